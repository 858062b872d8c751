import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { AuthModule } from '@meshtrail/auth';
import { loadConfig } from '@meshtrail/config';
import { TOPICS, type AuditCloudEvent } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { KafkaProducer, TopicNames, type DeadLetter } from '@meshtrail/kafka';
import { CoreModule } from '@meshtrail/runtime';
import { expectAnswered, jsonBody, queryPairs } from '../../../../test/support/http-properties';
import { waitFor } from '../../../../test/support/poll';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { TopicReader } from '../../../../test/support/topic-reader';
import { authOptionsFrom } from '../auth/auth-options';
import { GatewayEnv } from '../gateway.env';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { DeadLettersAdminModule } from './dead-letters.module';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

describe('dead-letter endpoints (real PostgreSQL and Kafka, API keys through the real auth guard)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let audit: TopicReader;
  let accessLogs: TopicReader;
  let adminKey: string;
  let workspaceKey: string;
  let queue: DeadLetterQueue;

  beforeAll(async () => {
    stack = await createTestStack('deadlettersapi');
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('ops-admin', { admin: true, workspaces: [], manageKeys: true }, 'test')).key;
    workspaceKey = (await keys.create('ws-reader', { admin: false, workspaces: ['ws-7'] }, 'test')).key;
    const config = loadConfig('gateway', GatewayEnv, stack.env);
    const module = await Test.createTestingModule({
      imports: [
        CoreModule.register('gateway', config),
        AuthModule.register(authOptionsFrom(config)),
        RateLimitModule.register({ perMinute: 100_000, burst: 100_000 }),
        DeadLettersAdminModule,
      ],
    }).compile();
    app = module.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1/dead-letters`;
    queue = new DeadLetterQueue(app.get(DatabaseConnection), app.get(KafkaProducer), app.get(TopicNames));
    audit = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
    accessLogs = await TopicReader.start(stack.topic(TOPICS.accessLogs), stack.brokers);
  });
  afterAll(async () => {
    await audit.stop();
    await accessLogs.stop();
    await app.close();
    await stack.teardown();
  });

  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  const letter = (offset: string, value: Buffer, reason: string): DeadLetter => ({
    record: {
      topic: stack.topic(TOPICS.accessLogs),
      partition: 1,
      offset,
      key: Buffer.from('gateway'),
      value,
      headers: { 'content-type': 'application/x-ndjson' },
      timestamp: String(Date.now()),
      size: value.length + 7,
    },
    reason,
    message: `line 0: ${reason}`,
  });

  it('refuses anyone not authenticated (401) and anyone not an admin (403)', async () => {
    expect((await call('GET', '')).status).toBe(401);
    expect(await call('GET', '', workspaceKey)).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    expect((await call('GET', '/1', workspaceKey)).status).toBe(403);
    expect((await call('POST', '/replay', workspaceKey, {})).status).toBe(403);
  });

  it('lists without the original bytes, inspects one whole, replays to the source topic, marks and audits', async () => {
    const large = Buffer.alloc(1_048_576, 'a');
    const binary = Buffer.from([0xff, 0xfe, 0x00]);
    await queue.send([
      letter('10', Buffer.from('{"id":"not json'), 'ACCESS_LOG.NOT_JSON'),
      letter('11', binary, 'ACCESS_LOG.NOT_JSON'),
      letter('12', large, 'ACCESS_LOG.TOO_LARGE'),
    ]);

    const listed = await call('GET', '?reason=ACCESS_LOG.NOT_JSON&limit=1', adminKey);
    expect(listed.status).toBe(200);
    const [newest] = listed.body.deadLetters as Array<Record<string, unknown>>;
    expect(newest).toMatchObject({ reason: 'ACCESS_LOG.NOT_JSON', source: { offset: '11' }, valueSize: 3 });
    expect(newest).not.toHaveProperty('valueBase64');
    const next = await call('GET', `?reason=ACCESS_LOG.NOT_JSON&limit=1&cursor=${listed.body.nextCursor}`, adminKey);
    expect(next.body).toMatchObject({ deadLetters: [{ source: { offset: '10' } }], nextCursor: null });
    const byTopic = await call('GET', '?topic=access-logs.v1', adminKey);
    expect((byTopic.body.deadLetters as unknown[]).length).toBe(3);

    const textId = (next.body.deadLetters as Array<{ id: string }>)[0].id;
    expect(await call('GET', `/${textId}`, adminKey)).toMatchObject({
      status: 200,
      body: { valueText: '{"id":"not json', valueBase64: Buffer.from('{"id":"not json').toString('base64') },
    });
    expect((await call('GET', `/${newest.id}`, adminKey)).body).toMatchObject({
      valueText: null,
      valueBase64: binary.toString('base64'),
    });
    const largeId = ((byTopic.body.deadLetters as Array<{ id: string }>)[0] as { id: string }).id;
    const whole = await call('GET', `/${largeId}`, adminKey);
    expect(whole.body.valueSize).toBe(large.length);
    expect(Buffer.from(whole.body.valueBase64 as string, 'base64').equals(large)).toBe(true);
    expect(await call('GET', '/999999', adminKey)).toMatchObject({
      status: 404,
      body: { code: 'DEAD_LETTER.NOT_FOUND' },
    });

    const dry = await call('POST', '/replay', adminKey, { reason: 'ACCESS_LOG.NOT_JSON', dryRun: true });
    expect(dry).toMatchObject({ status: 200, body: { dryRun: true, matched: 2, replayed: 2 } });

    const replay = await call('POST', '/replay', adminKey, { reason: 'ACCESS_LOG.NOT_JSON' });
    expect(replay).toMatchObject({ status: 200, body: { dryRun: false, matched: 2, replayed: 2, more: false } });
    // the values are not all JSON: wait on the raw records
    const replayed = await waitFor('the two replayed records', () => {
      const found = accessLogs.records.filter((r) => r.headers['meshtrail-replay-of'] !== undefined);
      return found.length >= 2 ? found : undefined;
    });
    expect(
      replayed.map((r) => [r.headers['meshtrail-replay-of'], r.key?.toString(), r.value?.toString('base64')]),
    ).toEqual([
      [textId, 'gateway', Buffer.from('{"id":"not json').toString('base64')],
      [newest.id, 'gateway', binary.toString('base64')],
    ]);
    expect(replayed[0].headers['content-type']).toBe('application/x-ndjson');

    const marked = await call('GET', '?replayed=true', adminKey);
    expect(marked.body.deadLetters).toEqual([
      expect.objectContaining({ id: newest.id, replayedBy: expect.stringMatching(/^apiKey:/), replayCount: 1 }),
      expect.objectContaining({ id: textId, replayCount: 1 }),
    ]);
    // replaying the same filter again finds nothing new to replay
    expect((await call('POST', '/replay', adminKey, { reason: 'ACCESS_LOG.NOT_JSON' })).body).toMatchObject({
      replayed: 0,
      matched: 0,
    });

    const [event] = await audit.waitForValues<AuditCloudEvent>(
      'the replay audit event',
      (e) => e.data.objectType === 'DeadLetter',
    );
    expect(event).toMatchObject({
      type: 'meshtrail.deadletters.replayed',
      source: 'meshtrail/gateway',
      data: {
        action: 'updated',
        actor: { kind: 'apiKey', displayName: 'ops-admin' },
        change: 'replayed 2 dead letters to their source topics (filters: reason=ACCESS_LOG.NOT_JSON replayed=false)',
      },
    });
    expect(event.data.workspace).toBeUndefined();
  });

  it('says a deleted dead letter is gone: 404 on inspection, listed as missing by a replay naming it', async () => {
    await queue.send([
      letter('20', Buffer.from('{"gone":'), 'ACCESS_LOG.NOT_JSON'),
      letter('21', Buffer.from('{"kept":'), 'ACCESS_LOG.NOT_JSON'),
    ]);
    const idOf = async (offset: number) =>
      (
        await stack.query<{ id: string }>(
          `SELECT id::text FROM dead_letters WHERE source_offset = $1 AND reason = 'ACCESS_LOG.NOT_JSON'`,
          [offset],
        )
      )[0].id;
    const [gone, kept] = [await idOf(20), await idOf(21)];
    // as retention deletes an expired one (the owner passes the recorded-cutoff check)
    await stack.query('DELETE FROM dead_letters WHERE id = $1', [gone]);

    const inspected = await call('GET', `/${gone}`, adminKey);
    expect(inspected).toMatchObject({ status: 404, body: { code: 'DEAD_LETTER.NOT_FOUND' } });
    expect(inspected.body.message).toContain('deleted since: retention deletes dead letters older than');
    for (const dryRun of [true, false]) {
      expect(await call('POST', '/replay', adminKey, { ids: [gone, kept], dryRun })).toMatchObject({
        status: 200,
        body: { dryRun, matched: 1, replayed: 1, ids: [kept], missing: [gone] },
      });
    }
    // a replay not naming ids has nothing to call missing
    expect((await call('POST', '/replay', adminKey, { reason: 'NO.SUCH', dryRun: true })).body).toMatchObject({
      matched: 0,
      missing: [],
    });
  });

  it('names what is wrong with a bad request', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['GET', '?limit=0', undefined, 'limit'],
      ['GET', '?since=yesterday', undefined, 'since'],
      ['GET', '?since=2026-11-02T00:00:00Z&until=2026-11-01T00:00:00Z', undefined, 'until'],
      ['GET', '?cursor=abc', undefined, 'cursor'],
      ['GET', '?replayed=maybe', undefined, 'replayed'],
      ['GET', '?color=red', undefined, 'color'],
      ['GET', '?topic=a&topic=b', undefined, 'topic'],
      ['GET', '/abc', undefined, 'id'],
      ['POST', '/replay', { ids: ['1 OR 1=1'] }, 'ids'],
      ['POST', '/replay', { dryRun: 'yes' }, 'dryRun'],
      ['POST', '/replay', { limit: 0 }, 'limit'],
      ['POST', '/replay', { everything: true }, 'everything'],
      ['POST', '/replay', [], 'body'],
    ];
    for (const [method, path, body, parameter] of cases) {
      expect({ path, body, response: await call(method, path, adminKey, body) }).toMatchObject({
        path,
        body,
        response: { status: 400, body: { code: 'QUERY.INVALID_PARAMETER', parameter } },
      });
    }
  });

  it('answers hostile query strings and bodies with 2xx or a 4xx naming the parameter, never a 5xx', async () => {
    const seed = propertySeed('dead-letter endpoints');
    const names = fc.constantFrom('topic', 'reason', 'since', 'until', 'limit', 'cursor', 'replayed', 'ids', 'x');
    await fc.assert(
      fc.asyncProperty(queryPairs(names), jsonBody(names), fc.string(), async (pairs, json, id) => {
        const search = new URLSearchParams(pairs).toString();
        const body = {
          ...(typeof json === 'object' && json !== null && !Array.isArray(json) ? json : { value: json }),
          dryRun: true,
        };
        const named = [...pairs.map(([name]) => name), ...Object.keys(body), 'id', 'body'];
        expectAnswered(await call('GET', `?${search}`, adminKey), named, { search });
        expectAnswered(await call('GET', `/${encodeURIComponent(id)}`, adminKey), named, { id });
        expectAnswered(await call('POST', '/replay', adminKey, body), named, { body });
      }),
      { seed, numRuns: 60 },
    );
  });
});
