import { Client } from 'pg';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { storeAuditEvents, type FixtureEvent } from '../../../../test/support/audit-events';
import { publicKeySet, signerFromPem } from '../checkpoint/seal-keys';
import { verifyDatabase } from '../verify/verify-database';
import { requestPurgeSeal, SEALER_LOCK, sealNext } from './seal-next';

const fixture = (n: number, time = new Date()): FixtureEvent => ({
  time,
  workspace: 'ws-seal',
  objectType: 'Project',
  objectId: `p-${n}`,
  action: 'created',
  actor: { kind: 'user', id: 'u1', displayName: 'Jane' },
  change: `created project p-${n}`,
  changes: [{ field: 'name', to: `p-${n}`, nested: { b: 1, a: [1.5, 'x'] } } as never],
});

describe('sealNext against the real database', () => {
  let stack: TestStack;
  let db: Client;
  const options = () => ({
    signer: signerFromPem(stack.sealKey.privatePem),
    maxEvents: 4,
    now: () => new Date(),
  });
  const keys = () => publicKeySet([{ pem: stack.sealKey.publicPem }]);

  beforeAll(async () => {
    stack = await createTestStack('seal-next');
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.teardown();
  });

  it('seals what the projector has passed, in commit order, in checkpoints of at most maxEvents, and the chain verifies', async () => {
    // positions 96 to 105: their texts sort otherwise than their numbers
    await stack.query(`SELECT setval('audit_events_seq', 95)`);
    await storeAuditEvents(
      stack,
      Array.from({ length: 10 }, (_, i) => fixture(i)),
    );
    const steps = [];
    for (let step = await sealNext(db, options()); step.events > 0; step = await sealNext(db, options()))
      steps.push(step);
    expect(steps.map((s) => s.events)).toEqual([4, 4, 2]);
    const rows = await stack.query<{ number: string; event_count: number }>(
      'SELECT number::text, event_count FROM audit_checkpoints ORDER BY number',
    );
    expect(rows).toEqual([
      { number: '1', event_count: 4 },
      { number: '2', event_count: 4 },
      { number: '3', event_count: 2 },
    ]);
    expect(await verifyDatabase(db, keys())).toMatchObject({
      ok: true,
      checkpoints: 3,
      eventsVerified: 10,
      findings: [],
    });
    // pages ending between seq 99 and 100: positions compare as numbers, never as their text
    expect(await verifyDatabase(db, keys(), undefined, 3)).toMatchObject({
      ok: true,
      eventsVerified: 10,
      findings: [],
    });
  });

  it('never seals past the projection position: a stored event the projector has not passed waits', async () => {
    await stack.query(
      `INSERT INTO audit_events (id, occurred_at, source, type, object_type, object_id, action, actor_kind, actor_id,
         change, event, hash, kafka_topic, kafka_partition, kafka_offset)
       VALUES ('unprojected', now(), 's', 't', 'Project', 'p', 'created', 'user', 'u', 'c', '{"id":"unprojected"}', 'h', 'x', 0, 0)`,
    );
    expect((await sealNext(db, options())).events).toBe(0);
    expect(await verifyDatabase(db, keys())).toMatchObject({ ok: true, eventsUnsealed: 1 });
    await stack.query(`DELETE FROM audit_events WHERE id = 'unprojected'`);
  });

  it('lets one sealer seal at a time', async () => {
    await storeAuditEvents(stack, [fixture(100)]);
    const other = new Client({ connectionString: stack.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [SEALER_LOCK]);
      expect(await sealNext(db, options())).toMatchObject({ ran: false, events: 0 });
      await other.query('COMMIT');
      expect(await sealNext(db, options())).toMatchObject({ ran: true, events: 1 });
    } finally {
      await other.end();
    }
  });

  it('signs a purge request into the chain, and refuses one its rule rejects', async () => {
    const cutoff = new Date('2001-01-01T00:00:00Z');
    await requestPurgeSeal(db, { store: 'audit_events', cutoff });
    const refused = await sealNext(db, { ...options(), acceptPurge: () => false });
    expect(refused).toMatchObject({ sealed: [], refusedPurges: ['1'] });
    const step = await sealNext(db, { ...options(), acceptPurge: () => true });
    expect(step.sealed).toEqual([
      expect.objectContaining({
        kind: 'purge',
        count: 0,
        purge: expect.objectContaining({ request: '1', cutoff: cutoff.toISOString() }),
      }),
    ]);
    expect((await sealNext(db, options())).sealed).toEqual([]);
    expect(await verifyDatabase(db, keys())).toMatchObject({ ok: true, checkpoints: 5 });
  });

  it('keeps refusing a refused purge request after a later one is sealed', async () => {
    const tooRecent = new Date();
    const old = new Date('2001-01-01T00:00:00Z');
    await requestPurgeSeal(db, { store: 'audit_events', cutoff: tooRecent });
    await requestPurgeSeal(db, { store: 'audit_events', cutoff: old });
    const [recentId, oldId] = (
      await stack.query<{ id: string }>('SELECT id::text FROM audit_purge_requests ORDER BY id DESC LIMIT 2')
    )
      .map((row) => row.id)
      .reverse();
    const acceptPurge = ({ cutoff }: { cutoff: Date }) => cutoff.getTime() === old.getTime();
    const first = await sealNext(db, { ...options(), acceptPurge });
    expect(first).toMatchObject({ refusedPurges: [recentId] });
    expect(first.sealed).toEqual([
      expect.objectContaining({ kind: 'purge', purge: expect.objectContaining({ request: oldId }) }),
    ]);
    expect(await sealNext(db, { ...options(), acceptPurge })).toMatchObject({ sealed: [], refusedPurges: [recentId] });
  });

  it('numbers checkpoints past 9 in order (numbers are compared as numbers, not as their text)', async () => {
    await storeAuditEvents(
      stack,
      Array.from({ length: 12 }, (_, i) => fixture(200 + i)),
    );
    for (let step = await sealNext(db, { ...options(), maxEvents: 1 }); step.events > 0;) {
      step = await sealNext(db, { ...options(), maxEvents: 1 });
    }
    const numbers = (
      await stack.query<{ number: string }>('SELECT c.number::text FROM audit_checkpoints c ORDER BY c.number')
    ).map((row) => Number(row.number));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    expect(numbers.length).toBeGreaterThan(12);
    expect(await verifyDatabase(db, keys())).toMatchObject({ ok: true, findings: [] });
  });

  it('keeps checkpoints append-only', async () => {
    await expect(stack.query(`UPDATE audit_checkpoints SET root = 'x' WHERE number = 1`)).rejects.toThrow(
      /append-only/,
    );
  });
});
