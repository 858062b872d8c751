import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@meshtrail/contracts';
import { fixtureCloudEvent } from '../support/audit-events';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

/** librdkafka (through kcat) compresses each batch with the codec, as a non-Node producer would. */
function kcat(broker: string, topic: string, codec: string, key: string, value: string): void {
  execFileSync('kcat', ['-P', '-b', broker, '-t', topic, '-k', key, '-z', codec], {
    input: value + '\n',
    timeout: 30_000,
  });
}

// librdkafka sends a batch uncompressed when compressing does not shrink it: repetitive changes
// make sure every codec really has something to do.
const changes = Array.from({ length: 20 }, (_, i) => ({
  field: `tags.environment-${i}`,
  from: 'production-eu-central',
  to: 'production-eu-central-2',
}));

describe('every Kafka compression codec a producer may choose is consumed', () => {
  let stack: TestStack;
  let ingest: ServiceProcess;
  let accessLog: ServiceProcess;

  beforeAll(async () => {
    stack = await createTestStack('codecs');
    [ingest, accessLog] = await Promise.all([
      ServiceProcess.start('audit-ingest', stack.env),
      ServiceProcess.start('access-log', stack.env),
    ]);
  });
  afterAll(async () => {
    await ingest?.stop();
    await accessLog?.stop();
    await stack.teardown();
  });

  it('stores an audit event published with each of gzip, snappy, lz4 and zstd', async () => {
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    const ids = new Map<string, string>();
    for (const codec of codecs) {
      const event = fixtureCloudEvent({
        time: new Date(Date.now() - 1000),
        workspace: 'acme',
        objectType: 'Project',
        objectId: `p-${codec}`,
        action: 'updated',
        actor: { kind: 'system', id: 'kcat', displayName: 'kcat' },
        change: `relabelled project p-${codec} (published with ${codec})`,
        changes,
        source: `kcat-${codec}`,
      });
      ids.set(event.id, codec);
      kcat(stack.brokers[0], stack.topic(TOPICS.auditEvents), codec, 'acme', JSON.stringify(event));
    }
    const rows = await waitFor('the four events stored', async () => {
      const found = await stack.query<{ id: string; source: string; object_id: string }>(
        'SELECT id, source, object_id FROM audit_events WHERE id = ANY($1::text[]) ORDER BY source',
        [[...ids.keys()]],
      );
      return found.length === codecs.length ? found : undefined;
    });
    expect(rows.map((row) => [ids.get(row.id), row.source, row.object_id])).toEqual(
      [...codecs].sort().map((codec) => [codec, `kcat-${codec}`, `p-${codec}`]),
    );
  });

  it('stores an access-log record published with lz4', async () => {
    const id = randomUUID();
    const line = '10.0.0.7 200 "GET /api/v1/events?workspace=ws-1" [jane@example.com] curl/8.5.0 application/json 12ms';
    const record = {
      id,
      time: new Date(Date.now() - 1000).toISOString(),
      service: 'gateway',
      host: 'gw-1',
      remoteIp: '10.0.0.7',
      status: 200,
      method: 'GET',
      path: '/api/v1/events?workspace=ws-1',
      principal: 'jane@example.com',
      userAgent: 'curl/8.5.0',
      accept: 'application/json',
      durationMs: 12,
      line,
    };
    // four records (kcat sends one message a line) in one batch give lz4 something to compress
    const value = [record, ...[1, 2, 3].map(() => ({ ...record, id: randomUUID() }))].map((r) => JSON.stringify(r));
    kcat(stack.brokers[0], stack.topic(TOPICS.accessLogs), 'lz4', 'gateway', value.join('\n'));
    const stored = await waitFor('the lz4-compressed access-log records stored', async () => {
      const rows = await stack.query<{ id: string; line: string }>('SELECT id, line FROM access_logs WHERE line = $1', [
        line,
      ]);
      return rows.length === value.length ? rows : undefined;
    });
    expect(stored.map((row) => row.id)).toContain(id);
  });
});
