import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AuditEventPublisher, canonicalHash, TOPICS, type AuditEventInput } from '@meshtrail/contracts';
import { createKafkaClient, KafkaProducer } from '@meshtrail/kafka';
import { checkEventProof, publicKeySet, type EventInclusionProof } from '@meshtrail/trail-proof';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { ensureMonths } from '../support/store-rows';
import { createTestStack, type TestStack } from '../support/test-stack';
import { TopicReader } from '../support/topic-reader';
import { asSuperuser as asSuperuserOn } from '../support/as-superuser';
import { apiKeyStoreOf } from '../support/api-keys';

/** Fails a poll with what it saw, so a timeout says why. */
function fail(seen: unknown): never {
  throw new Error(JSON.stringify(seen));
}

const CLI = path.resolve(__dirname, '../../dist/apps/admin-cli/src/main.js');
const DAY_MS = 86_400_000;

interface Finding {
  problem: string;
  message: string;
  id?: string;
  position?: { xactId: string; seq: string };
  count?: number;
  checkpoint?: number;
}
interface Report {
  ok: boolean;
  eventsVerified: number;
  eventsPurged: number;
  eventsUnsealed: number;
  findings: Finding[];
}
interface Row extends Record<string, unknown> {
  id: string;
  xact_id: string;
  seq: string;
}

function input(group: string, i: number, time: Date): AuditEventInput {
  return {
    time,
    data: {
      objectType: 'Project',
      objectId: `${group}-${i}`,
      action: 'created',
      workspace: 'ws-proof',
      actor: { kind: 'user', id: 'u-1', displayName: 'Jane' },
      change: `created project ${group}-${i}`,
    },
  };
}

/**
 * Events ingested by a real audit-ingest and sealed by its sealer; then the trail is tampered with
 * as a superuser would, one way after another, and `admin-cli verify` names each tampering. A
 * retention purge before that leaves a signed record, and the trail still verifies.
 */
describe('tamper evidence: signed checkpoints and admin-cli verify', () => {
  let stack: TestStack;
  let producer: KafkaProducer;
  let ingest: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;
  let adminKey: string;
  let published: TopicReader;
  const dir = mkdtempSync(path.join(tmpdir(), 'meshtrail-verify-'));
  const publicKey = path.join(dir, 'public.pem');
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    stack = await createTestStack('tamper');
    writeFileSync(publicKey, stack.sealKey.publicPem);
    producer = new KafkaProducer(createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'tamper-e2e'));
    published = await TopicReader.start(stack.topic(TOPICS.auditCheckpoints), stack.brokers);
  });
  afterAll(async () => {
    await gateway?.stop();
    await ingest?.kill();
    await published?.stop();
    await producer?.close();
    await stack?.teardown();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', ...stack.env, LOG_LEVEL: 'warn' },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }
  const verify = async (...args: string[]): Promise<Report & { code: number }> => {
    const result = await cli('verify', '--public-key', publicKey, '--json', ...args);
    if (result.code !== 0 && result.code !== 1) throw new Error(`verify failed to run: ${result.stderr}`);
    return { code: result.code, ...(JSON.parse(result.stdout) as Report) };
  };
  const sealedCount = async () =>
    Number(
      (await stack.query<{ n: string }>(`SELECT coalesce(sum(event_count), 0)::text AS n FROM audit_checkpoints`))[0].n,
    );
  const rowOf = async (objectId: string) =>
    (
      await stack.query<Row>(`SELECT id, xact_id::text, seq::text FROM audit_events WHERE object_id = $1`, [objectId])
    )[0];
  /** A statement run as a superuser with triggers off, as an attacker with the database's keys would. */
  const asSuperuser = (sql: string, params: unknown[] = []) => asSuperuserOn(stack, sql, params);

  it('seals what audit-ingest stored, publishes the checkpoints, and verifies online and offline', async () => {
    const ancient = new Date(Date.now() - 7 * 365 * DAY_MS);
    const lastMonth = new Date(Date.now() - 40 * DAY_MS);
    await ensureMonths(stack, 'audit_events', `${ancient.toISOString().slice(0, 7)}-01`, 1);
    await ensureMonths(stack, 'audit_events', `${lastMonth.toISOString().slice(0, 7)}-01`, 1);
    ingest = await ServiceProcess.start('audit-ingest', {
      ...stack.env,
      AUDIT_SEAL_INTERVAL_SECONDS: '1',
      AUDIT_SEAL_MAX_EVENTS: '8',
    });
    const publisher = new AuditEventPublisher({
      sink: producer,
      source: 'meshstack/e2e',
      topicPrefix: stack.topicPrefix,
    });
    await publisher.publish(Array.from({ length: 6 }, (_, i) => input('ancient', i, ancient)));
    await publisher.publish(Array.from({ length: 4 }, (_, i) => input('last-month', i, lastMonth)));
    await publisher.publish(Array.from({ length: 20 }, (_, i) => input('now', i, new Date())));
    await waitFor('all 30 events sealed', async () => (await sealedCount()) === 30, { timeoutMs: 30_000 });
    const checkpoints = Number(
      (await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_checkpoints'))[0].n,
    );
    await published.waitForValues('every checkpoint on Kafka', () => true, checkpoints);

    const health = (await (await fetch(`${ingest.url}/actuator/health`)).json()) as {
      components: { sealing: { status: string; details: { lastCheckpoint: number } } };
    };
    expect(health.components.sealing).toMatchObject({ status: 'UP', details: { lastCheckpoint: checkpoints } });

    const online = await cli('verify', '--public-key', publicKey);
    expect(online).toMatchObject({ code: 0 });
    expect(online.stdout).toMatch(/^OK: \d+ checkpoints, 30 events verified/);

    expect((await cli('export-trail', '--out', file('trail.ndjson'))).code).toBe(0);
    expect((await cli('checkpoints', '--out', file('checkpoints.ndjson'))).code).toBe(0);
    writeFileSync(file('kafka-checkpoints.ndjson'), published.records.map((r) => r.value!.toString('utf8')).join('\n'));
    for (const checkpointsFile of ['checkpoints.ndjson', 'kafka-checkpoints.ndjson']) {
      const offline = await verify('--events', file('trail.ndjson'), '--checkpoints', file(checkpointsFile));
      expect(offline).toMatchObject({ code: 0, ok: true, eventsVerified: 30 });
    }
    const wrongKey = await cli('verify', '--public-key', file('no-such-key.pem'));
    expect(wrongKey.code).not.toBe(0);

    // the gateway proves single events against what the real sealer signed
    const keys = apiKeyStoreOf(stack);
    adminKey = (await keys.create('auditor', { admin: true, workspaces: [] }, 'test')).key;
    gateway = await ServiceProcess.start('gateway', { ...stack.env, AUDIT_SEAL_PUBLIC_KEYS: stack.sealKey.publicPem });
    for (const objectId of ['ancient-0', 'last-month-3', 'now-0', 'now-19']) {
      const { proof, client } = await proveOverHttp(objectId);
      expect(client).toEqual({ eventMatchesLeaf: true, leafInRoot: true, signature: 'valid', verified: true });
      expect(proof.checks).toEqual(client);
    }
    // the gateway exports the same two files for whole-trail readers: verify reads them offline
    for (const [path, name] of [
      ['/api/v1/events/export/trail', 'api-trail.ndjson'],
      ['/api/v1/checkpoints/export', 'api-checkpoints.ndjson'],
    ]) {
      const response = await fetch(`${gateway.url}${path}`, { headers: { 'x-api-key': adminKey } });
      expect(response.status).toBe(200);
      writeFileSync(file(name), await response.text());
    }
    const fromApi = await verify('--events', file('api-trail.ndjson'), '--checkpoints', file('api-checkpoints.ndjson'));
    expect(fromApi).toMatchObject({ code: 0, ok: true, findings: [] });
    // the reads above are audited: their events may be sealed by now, or not yet
    const exported = readFileSync(file('api-trail.ndjson'), 'utf8').trimEnd().split('\n').length;
    expect(fromApi.eventsVerified).toBeGreaterThanOrEqual(30);
    expect(fromApi.eventsVerified + fromApi.eventsUnsealed).toBe(exported);
  }, 90_000);

  /** Fetches an event and its proof from the gateway and checks the proof as a client would, with its own copy of the key. */
  async function proveOverHttp(objectId: string) {
    const { id } = await rowOf(objectId);
    const read = async (path: string) => {
      const response = await fetch(`${gateway!.url}/api/v1/events/${encodeURIComponent(id)}${path}`, {
        headers: { 'x-api-key': adminKey },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    const [event, proof] = [await read(''), await read('/proof')];
    expect(proof).toMatchObject({ eventId: id, sealed: true });
    const inclusion = proof as unknown as EventInclusionProof & { checks: unknown };
    const trusted = publicKeySet([{ pem: stack.sealKey.publicPem }]);
    return { proof: inclusion, client: checkEventProof(inclusion, { id, event: event.event }, trusted) };
  }

  it('still verifies after a legitimate retention purge, which leaves a signed record', async () => {
    const retention = await ServiceProcess.start('retention', stack.env);
    try {
      const enforced = await cli('enforce-retention', '--by', 'ops-ada', '--timeout', '120');
      expect(enforced.code).toBe(0);
    } finally {
      await retention.stop();
    }
    expect(await stack.query(`SELECT id FROM audit_events WHERE object_id LIKE 'ancient-%'`)).toEqual([]);
    await waitFor('the purge sealed', async () =>
      (await stack.query(`SELECT number FROM audit_checkpoints WHERE kind = 'purge'`)).length > 0
        ? true
        : fail({
            requests: await stack.query('SELECT * FROM audit_purge_requests'),
            sealing: ((await (await fetch(`${ingest!.url}/actuator/health`)).json()) as { components: unknown })
              .components,
          }),
    );
    // the retention run's own RetentionEnforced events are sealed too
    expect(await verify()).toMatchObject({ code: 0, ok: true, eventsPurged: 6, findings: [] });
  }, 90_000);

  it('names each tampering: modified, missing, re-inserted, reordered, truncated, inserted, forged, removed checkpoint', async () => {
    const problemsOf = async () => (await verify()).findings;

    // UPDATE with the append-only trigger disabled
    const modified = await rowOf('now-0');
    await asSuperuser(
      `UPDATE audit_events SET event = jsonb_set(event, '{data,change}', '"nothing happened"'), change = 'nothing happened' WHERE id = $1`,
      [modified.id],
    );
    let findings = await problemsOf();
    expect(findings).toEqual([
      expect.objectContaining({
        problem: 'event-modified',
        id: modified.id,
        position: { xactId: modified.xact_id, seq: modified.seq },
      }),
    ]);
    // its proof over the API says so too, and so does the client's own check
    const tampered = await proveOverHttp('now-0');
    expect(tampered.client).toEqual({ eventMatchesLeaf: false, leafInRoot: true, signature: 'valid', verified: false });
    expect(tampered.proof.checks).toEqual(tampered.client);

    // DELETE one row
    const deleted = await rowOf('now-3');
    await stack.query('DELETE FROM audit_events WHERE id = $1', [deleted.id]);
    findings = await problemsOf();
    expect(findings).toContainEqual(
      expect.objectContaining({
        problem: 'event-missing',
        position: { xactId: deleted.xact_id, seq: deleted.seq },
        count: 1,
      }),
    );

    // DELETE and re-insert, with a hash recomputed over the altered event, at the same position
    const reinserted = await rowOf('now-5');
    const [original] = await stack.query<{ event: Record<string, unknown> }>(
      'SELECT event FROM audit_events WHERE id = $1',
      [reinserted.id],
    );
    const altered = { ...original.event, data: { ...(original.event.data as object), change: 'rewritten history' } };
    await stack.query(
      `WITH gone AS (DELETE FROM audit_events WHERE id = $1 RETURNING *)
       INSERT INTO audit_events SELECT seq, id, occurred_at, ingested_at, source, type, subject, object_type, object_id,
         object_name, action, workspace, actor_kind, actor_id, actor_name, 'rewritten history', changes, source_ip,
         correlation_id, $2::jsonb, $3, kafka_topic, kafka_partition, kafka_offset, xact_id FROM gone`,
      [reinserted.id, JSON.stringify(altered), canonicalHash(altered)],
    );
    expect((await rowOf('now-5')).seq).toBe(reinserted.seq);
    findings = await problemsOf();
    expect(findings).toContainEqual(expect.objectContaining({ problem: 'event-modified', id: reinserted.id }));

    // swap two events' positions
    const [a, b] = [await rowOf('now-8'), await rowOf('now-11')];
    await asSuperuser(
      `UPDATE audit_events e SET xact_id = s.xact_id, seq = s.seq
       FROM (VALUES ($1, $4::xid8, $5::bigint), ($2, $3::xid8, $6::bigint)) AS s(id, xact_id, seq) WHERE e.id = s.id`,
      [a.id, b.id, a.xact_id, b.xact_id, b.seq, a.seq],
    );
    findings = await problemsOf();
    expect(findings).toContainEqual(
      expect.objectContaining({ problem: 'events-reordered', id: a.id, position: { xactId: b.xact_id, seq: b.seq } }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({ problem: 'events-reordered', id: b.id, position: { xactId: a.xact_id, seq: a.seq } }),
    );

    // TRUNCATE a partition: last month's four events
    const lastMonth = new Date(Date.now() - 40 * DAY_MS);
    const partition = `audit_events_${lastMonth.toISOString().slice(0, 7).replace('-', '')}`;
    expect(await stack.query(`SELECT id FROM ${partition}`)).toHaveLength(4);
    await stack.query(`TRUNCATE ${partition}`);
    findings = await problemsOf();
    const truncated = findings.filter(
      (f) => f.problem === 'event-missing' && f.message.includes(lastMonth.toISOString().slice(0, 10)),
    );
    expect(truncated.reduce((sum, f) => sum + (f.count ?? 0), 0)).toBe(4);

    // INSERT a forged event into a sealed range
    const [first] = await stack.query<{ first_xact_id: string; first_seq: string }>(
      `SELECT first_xact_id::text, first_seq::text FROM audit_checkpoints WHERE kind = 'events' AND first_xact_id > after_xact_id ORDER BY number DESC LIMIT 1`,
    );
    const forgedSeq = String(BigInt(first.first_seq) - 1n);
    await stack.query(
      `INSERT INTO audit_events (xact_id, seq, id, occurred_at, source, type, object_type, object_id, action, actor_kind,
         actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset)
       VALUES ($1::xid8, $2, 'forged-1', now(), 's', 't', 'Project', 'forged', 'deleted', 'user', 'u', 'c', '{"id":"forged-1"}', 'h', 'x', 0, 0)`,
      [first.first_xact_id, forgedSeq],
    );
    findings = await problemsOf();
    expect(findings).toContainEqual(
      expect.objectContaining({
        problem: 'event-inserted',
        id: 'forged-1',
        position: { xactId: first.first_xact_id, seq: forgedSeq },
      }),
    );

    // the checkpoints kept on Kafka name the same event problems offline
    expect((await cli('export-trail', '--out', file('tampered.ndjson'))).code).toBe(0);
    const sealedSoFar = Number(
      (await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_checkpoints'))[0].n,
    );
    await published.waitForValues('every checkpoint on Kafka', () => true, sealedSoFar);
    writeFileSync(file('kafka-checkpoints.ndjson'), published.records.map((r) => r.value!.toString('utf8')).join('\n'));
    const offline = await verify(
      '--events',
      file('tampered.ndjson'),
      '--checkpoints',
      file('kafka-checkpoints.ndjson'),
    );
    expect(offline.findings.map((f) => f.message).sort()).toEqual(findings.map((f) => f.message).sort());

    // what a person reads
    const text = await cli('verify', '--public-key', publicKey);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^FAILED: \d+ problem\(s\)/);
    expect(text.stdout).toContain(
      `event-modified: event ${modified.id} at (xact ${modified.xact_id}, seq ${modified.seq}) was modified`,
    );

    // forge a checkpoint's root, then remove another checkpoint
    await asSuperuser(`UPDATE audit_checkpoints SET root = repeat('0', 64) WHERE number = 2`);
    findings = await problemsOf();
    expect(findings).toContainEqual(
      expect.objectContaining({ problem: 'checkpoint-signature-invalid', checkpoint: 2 }),
    );
    await stack.query(`DELETE FROM audit_checkpoints WHERE number = 3`);
    const report = await verify();
    expect(report).toMatchObject({ code: 1, ok: false });
    expect(report.findings).toContainEqual(expect.objectContaining({ problem: 'checkpoint-missing', checkpoint: 3 }));
  }, 120_000);
});
