import { loadConfig } from '@meshtrail/config';
import { TOPICS, type AuditCloudEvent } from '@meshtrail/contracts';
import { withDatabaseConnection } from '@meshtrail/database';
import { insertDeadLetter } from '@meshtrail/dead-letters';
import { waitFor } from '../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { TopicReader } from '../../../test/support/topic-reader';
import { AdminEnv } from './admin.env';
import { replayDeadLettersCommand } from './replay-dead-letters.command';

describe('admin-cli replay-dead-letters (real PostgreSQL and Kafka)', () => {
  let stack: TestStack;
  let reader: TopicReader;

  beforeAll(async () => {
    stack = await createTestStack('replaycli');
    reader = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
  });
  afterAll(async () => {
    await reader.stop();
    await stack.teardown();
  });

  it('republishes the filtered dead letters with meshtrail-replay-of, marks them, and audits the operator', async () => {
    const original = Buffer.from('{"specversion":"1.0","id":"broken-1"');
    const settings = { url: stack.databaseUrl, poolMax: 1, applicationName: 'replay-cli-test' };
    const { id } = await withDatabaseConnection(settings, (sql) =>
      insertDeadLetter(
        sql,
        {
          record: {
            topic: stack.topic(TOPICS.auditEvents),
            partition: 0,
            offset: '5',
            key: Buffer.from('ws-1'),
            value: original,
            headers: {},
            timestamp: String(Date.now()),
            size: original.length + 4,
          },
          reason: 'EVENT.NOT_JSON',
          message: 'the value is not valid JSON',
        },
        new Date(),
      ),
    );
    const env = loadConfig('admin-cli', AdminEnv, stack.env);

    const dry = await replayDeadLettersCommand(env, ['--topic', 'audit.events.v1', '--dry-run']);
    expect(dry).toMatchObject({ dryRun: true, matched: 1, replayed: 1, ids: [id] });
    const result = await replayDeadLettersCommand(env, ['--topic', 'audit.events.v1', '--by', 'jane']);
    expect(result).toMatchObject({ dryRun: false, matched: 1, replayed: 1, ids: [id], more: false });

    const replayed = await waitFor('the replayed record', () =>
      reader.records.find((r) => r.headers['meshtrail-replay-of'] === id),
    );
    expect(replayed.value).toEqual(original);
    expect(replayed.key).toEqual(Buffer.from('ws-1'));
    const [row] = await stack.query<{ replayed_by: string; replay_count: number }>(
      'SELECT replayed_by, replay_count FROM dead_letters WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ replayed_by: 'user:jane', replay_count: 1 });
    const event = await waitFor('the audit event', () =>
      reader.records
        .filter((r) => r.headers['meshtrail-replay-of'] === undefined)
        .map((r) => JSON.parse(String(r.value)) as AuditCloudEvent)
        .find((e) => e.data.objectType === 'DeadLetter'),
    );
    expect(event).toMatchObject({
      source: 'meshtrail/admin-cli',
      data: { actor: { kind: 'user', id: 'jane' }, changes: expect.arrayContaining([{ field: 'replayed', to: 1 }]) },
    });
    // nothing is left to replay for the same filter
    expect(await replayDeadLettersCommand(env, ['--topic', 'audit.events.v1', '--by', 'jane'])).toMatchObject({
      replayed: 0,
    });

    // once retention has deleted it, naming it replays nothing and says it is missing
    await stack.query('DELETE FROM dead_letters WHERE id = $1', [id]);
    expect(await replayDeadLettersCommand(env, ['--id', id, '--by', 'jane'])).toMatchObject({
      matched: 0,
      replayed: 0,
      ids: [],
      missing: [id],
    });
  });
});
