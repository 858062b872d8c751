import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { Client } from 'pg';
import { TOPICS } from '@meshtrail/contracts';
import {
  checkEventProof,
  keyIdOf,
  parseCheckpoint,
  publicKeySet,
  sealNext,
  signatureValid,
  signerFromPem,
  parseCheckpointLines,
  parseTrailLine,
  TrailVerifier,
  type EventInclusionProof,
} from '@meshtrail/trail-proof';
import { storeAuditEvents, type FixtureEvent } from '../../../../test/support/audit-events';
import { expectAnswered, pathSegment, queryPairs } from '../../../../test/support/http-properties';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import { startGatewayUnderTest } from '../../../../test/support/gateway-under-test';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { TopicReader } from '../../../../test/support/topic-reader';
import { asSuperuser } from '../../../../test/support/as-superuser';
import { apiKeyStoreOf } from '../../../../test/support/api-keys';

type Body = Record<string, unknown>;

type Proof = EventInclusionProof & { eventId: string; sealed: true; checks: Body; position: Body };

const fixture = (id: string, workspace: string | null, minute: number): FixtureEvent => ({
  id,
  time: new Date(Date.UTC(2026, 10, 20, 9, minute)),
  workspace,
  objectType: workspace ? 'Project' : 'LandingZone',
  objectId: `o-${id}`,
  action: 'updated',
  actor: { kind: 'user', id: 'u-jane', displayName: 'Jane' },
  change: `changed ${id}`,
  changes: [{ field: 'quota', from: minute, to: minute + 1 }],
});

/**
 * The proof and checkpoint endpoints over HTTP against the real database, with checkpoints
 * sealed by the sealer's own step (sealNext) over events stored as audit-ingest stores them; each
 * proof is checked again here as a client would, with the public key kept by the test.
 */
describe('checkpoints and inclusion proofs (real PostgreSQL and Kafka, API keys through the real auth guard)', () => {
  let stack: TestStack;
  let app: INestApplication;
  let base: string;
  let db: Client;
  let audit: TopicReader;
  const keys: Record<'admin' | 'ws1' | 'ws2', string> = {} as never;
  const trusted = () => publicKeySet([{ pem: stack.sealKey.publicPem }]);
  const seal = async () => {
    const options = { signer: signerFromPem(stack.sealKey.privatePem), maxEvents: 4, now: () => new Date() };
    while ((await sealNext(db, options)).events > 0);
  };

  beforeAll(async () => {
    stack = await createTestStack('proofsapi');
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const store = apiKeyStoreOf(stack);
    keys.admin = (await store.create('auditor', { admin: true, workspaces: [] }, 'test')).key;
    keys.ws1 = (await store.create('ws-1-owner', { admin: false, workspaces: ['ws-1'] }, 'test')).key;
    keys.ws2 = (await store.create('ws-2-owner', { admin: false, workspaces: ['ws-2'] }, 'test')).key;
    // 10 events in 3 transactions, sealed 4 to a checkpoint: 3 checkpoints of 4, 4 and 2
    const events = ['ws-1', 'ws-2', null, 'ws-1', 'ws-1', 'ws-2', 'ws-1', null, 'ws-1', 'ws-2'].map((ws, i) =>
      fixture(`e-${i}`, ws, i),
    );
    const db2 = { query: (sql: string, params?: unknown[]) => stack.query(sql, params) };
    await storeAuditEvents(db2, events, 4);
    await seal();
    ({ app, base } = await startGatewayUnderTest({
      ...stack.env,
      AUDIT_SEAL_PUBLIC_KEYS: stack.sealKey.publicPem,
    }));
    audit = await TopicReader.start(stack.topic(TOPICS.auditEvents), stack.brokers);
  });
  afterAll(async () => {
    await audit?.stop();
    await app?.close();
    await db?.end();
    await stack?.teardown();
  });

  const get = async (path: string, key?: string) => {
    const response = await fetch(`${base}${path}`, { headers: key ? { 'x-api-key': key } : {} });
    const text = await response.text();
    let body: Body = {};
    try {
      body = JSON.parse(text) as Body;
    } catch {
      body = { text };
    }
    return { status: response.status, body };
  };
  /** What a client does: the event as the API shows it, its proof, and the check with its own copy of the key. */
  const proveAsClient = async (id: string, key: string) => {
    const event = await get(`/events/${encodeURIComponent(id)}`, key);
    expect(event.status).toBe(200);
    const proof = await get(`/events/${encodeURIComponent(id)}/proof`, key);
    expect(proof).toMatchObject({ status: 200, body: { eventId: id, sealed: true } });
    const body = proof.body as unknown as Proof;
    return { proof: body, client: checkEventProof(body, { id, event: event.body.event }, trusted()) };
  };

  it("proves a workspace owner's events: the proof verifies against the signed root with the owner's own copy of the key", async () => {
    for (const id of ['e-0', 'e-3', 'e-4', 'e-6', 'e-8']) {
      const { proof, client } = await proveAsClient(id, keys.ws1);
      expect(client).toEqual({ eventMatchesLeaf: true, leafInRoot: true, signature: 'valid', verified: true });
      expect(proof.checks).toEqual(client);
      expect(proof.checkpoint).not.toHaveProperty('leaves');
      expect(proof.treeSize).toBe(proof.checkpoint.count);
      expect(proof.leafFields.position).toEqual(proof.position);
    }
    // e-8 is the first of the third checkpoint (of 4, 4 and 2 events)
    expect((await proveAsClient('e-8', keys.ws1)).proof).toMatchObject({
      index: 0,
      treeSize: 2,
      checkpoint: { number: 3 },
    });
  });

  it("gives a proof only to whoever may read its event: another workspace's event is a 404 like a missing one", async () => {
    expect(await get('/events/e-1/proof', keys.ws1)).toMatchObject({ status: 404, body: { code: 'QUERY.NOT_FOUND' } });
    expect(await get('/events/e-2/proof', keys.ws1)).toMatchObject({ status: 404 });
    expect(await get('/events/no-such-event/proof', keys.admin)).toMatchObject({ status: 404 });
    expect((await get('/events/e-1/proof')).status).toBe(401);
    expect(await get('/events/e-1/proof', keys.ws2)).toMatchObject({ status: 200, body: { sealed: true } });
    expect(await get('/events/e-2/proof', keys.admin)).toMatchObject({ status: 200, body: { sealed: true } });
  });

  it('answers sealed: false with PROOF.NOT_SEALED_YET until the sealer reaches an event, then proves it', async () => {
    await storeAuditEvents({ query: (sql, params) => stack.query(sql, params) }, [fixture('late', 'ws-1', 30)]);
    expect(await get('/events/late/proof', keys.ws1)).toMatchObject({
      status: 200,
      body: { eventId: 'late', sealed: false, code: 'PROOF.NOT_SEALED_YET' },
    });
    await seal();
    expect((await proveAsClient('late', keys.ws1)).client.verified).toBe(true);
  });

  it('lists checkpoints to whole-trail readers, newest first or in order, page by page, each verifying', async () => {
    expect(await get('/checkpoints', keys.ws1)).toMatchObject({ status: 403, body: { code: 'QUERY.FORBIDDEN' } });
    expect((await get('/checkpoints/1', keys.ws1)).status).toBe(403);
    const numbers = async (order: string) => {
      const seen: number[] = [];
      let cursor: unknown = undefined;
      do {
        const page = await get(
          `/checkpoints?order=${order}&limit=2${cursor ? `&cursor=${cursor as string}` : ''}`,
          keys.admin,
        );
        expect(page.status).toBe(200);
        for (const head of page.body.checkpoints as Body[]) {
          expect(head).not.toHaveProperty('leaves');
          seen.push(head.number as number);
        }
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      return seen;
    };
    expect(await numbers('desc')).toEqual([4, 3, 2, 1]);
    expect(await numbers('asc')).toEqual([1, 2, 3, 4]);

    const one = await get('/checkpoints/2', keys.admin);
    expect(one.status).toBe(200);
    const checkpoint = parseCheckpoint(one.body);
    if (typeof checkpoint === 'string') throw new Error(checkpoint);
    expect(checkpoint).toMatchObject({ number: 2, kind: 'events', count: 4 });
    expect(Buffer.from(checkpoint.leaves, 'base64')).toHaveLength(4 * 56);
    expect(signatureValid(checkpoint, trusted())).toBe(true);
    expect(await get('/checkpoints/99', keys.admin)).toMatchObject({
      status: 404,
      body: { code: 'CHECKPOINT.NOT_FOUND' },
    });
  });

  it('serves the public keys as JWK with PEM, to anyone signed in', async () => {
    const answer = await get('/checkpoints/keys', keys.ws1);
    expect(answer.status).toBe(200);
    const [jwk] = answer.body.keys as Array<Record<string, string>>;
    const kid = keyIdOf(
      publicKeySet([{ pem: stack.sealKey.publicPem }])
        .values()
        .next().value!,
    );
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid });
    expect(jwk.pem.trim()).toBe(stack.sealKey.publicPem.trim());
  });

  it('exports the whole trail and every checkpoint for whole-trail readers, in the files admin-cli verify reads offline', async () => {
    const download = async (path: string, key: string) => {
      const response = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    };
    expect((await download('/events/export/trail', keys.ws1)).status).toBe(403);
    expect((await download('/checkpoints/export', keys.ws1)).status).toBe(403);
    const trail = await download('/events/export/trail', keys.admin);
    const checkpoints = await download('/checkpoints/export', keys.admin);
    expect(trail).toMatchObject({ status: 200, type: 'application/x-ndjson; charset=utf-8' });
    expect(checkpoints.status).toBe(200);
    const verifier = new TrailVerifier(parseCheckpointLines(checkpoints.text.split('\n')), trusted());
    const lines = trail.text.trimEnd().split('\n');
    for (const line of lines) {
      const entry = parseTrailLine(line);
      if (typeof entry === 'string') throw new Error(entry);
      verifier.add(entry);
    }
    expect(verifier.finish()).toMatchObject({ ok: true, checkpoints: 4, eventsVerified: 11, findings: [] });
    // the trail export is a read of every event: recorded as one, by the admin key
    await audit.waitForValues<{ data: { change: string; actor: { id: string } } }>(
      'the AuditLogViewed event of the trail export',
      (event) => event.data.change === 'exported (trail) audit events',
    );
    // commit order, every stored event once
    const stored = await stack.query<{ id: string }>('SELECT id FROM audit_events ORDER BY xact_id, seq');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(stored.map((row) => row.id));
  });

  it('says when the stored event is not what was sealed, and names an event inserted into a sealed range', async () => {
    await asSuperuser(
      stack,
      `UPDATE audit_events SET event = jsonb_set(event, '{data,change}', '"nothing happened"') WHERE id = 'e-4'`,
    );
    const { proof, client } = await proveAsClient('e-4', keys.ws1);
    expect(client).toMatchObject({ eventMatchesLeaf: false, leafInRoot: true, signature: 'valid', verified: false });
    expect(proof.checks).toEqual(client);

    const [first] = await stack.query<{ xact_id: string; seq: string }>(
      `SELECT first_xact_id::text AS xact_id, first_seq::text AS seq FROM audit_checkpoints WHERE number = 2`,
    );
    await stack.query(
      `INSERT INTO audit_event_ids (id, hash, occurred_at) VALUES ('forged', 'h', now());
       INSERT INTO audit_events (xact_id, seq, id, occurred_at, source, type, object_type, object_id, action, actor_kind,
         actor_id, change, event, hash, kafka_topic, kafka_partition, kafka_offset, workspace)
       SELECT '${first.xact_id}'::xid8, ${BigInt(first.seq) - 1n}, 'forged', occurred_at, 's', 't', 'Project', 'x',
         'deleted', 'user', 'u', 'c', '{"id":"forged"}', 'h', 'x', 0, 0, 'ws-1' FROM audit_event_ids WHERE id = 'forged'`,
    );
    expect(await get('/events/forged/proof', keys.ws1)).toMatchObject({
      status: 200,
      body: { sealed: false, code: 'PROOF.NOT_IN_CHECKPOINT' },
    });
  });

  it('answers hostile ids, cursors, limits, orders and numbers with 2xx or a 4xx naming the parameter, never a 5xx', async () => {
    const seed = propertySeed('checkpoint and proof endpoints');
    // ids and numbers near what the endpoints take, and whatever else a client may send
    const segment = fc.oneof(
      pathSegment,
      fc
        .constantFrom('e-0', '1', '2', '999999999999999', '9999999999999999999', 'keycloak-1-2')
        .map(encodeURIComponent),
      fc.constantFrom(
        'keycloak-99999999999999999999-1',
        'keycloak-9999999999999999999-1',
        'keycloak-9223372036854775807-9223372036854775807',
      ),
    );
    const names = fc.constantFrom('limit', 'cursor', 'order', 'x', 'id');
    const principal = fc.constantFrom(keys.admin, keys.ws1);
    await fc.assert(
      fc.asyncProperty(queryPairs(names), segment, segment, principal, async (pairs, id, number, key) => {
        const search = new URLSearchParams(pairs).toString();
        const sent = pairs.map(([name]) => name);
        const requests: Array<[string, string[]]> = [
          [`/checkpoints?${search}`, sent],
          [`/checkpoints/${number}?${search}`, [...sent, 'number', 'path']],
          [`/checkpoints/keys?${search}`, sent],
          [`/checkpoints/export?${search}`, sent],
          [`/events/export/trail?${search}`, sent],
          [`/events/${id}/proof`, ['id', 'path']],
          [`/events/${id}/proof?${search}`, [...sent, 'id', 'path']],
        ];
        for (const [path, named] of requests) expectAnswered(await get(path, key), named, { path });
      }),
      { seed, numRuns: 60 },
    );
  });
});
