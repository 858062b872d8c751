import fc from 'fast-check';
import { Client } from 'pg';
import { storeAuditEvents, storeAuthEvents, type AuthEventRow } from '@meshtrail/audit-store';
import { validateAuditEvent, type AuditValidationOptions, type TimeWindow } from '@meshtrail/contracts';
import { hostileString, propertySeed, someAuditEvent, someTime } from '../../../test/support/storable-arbitraries';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { parseKeycloakLine } from './keycloak/keycloak-line.parser';

/**
 * What audit-ingest accepts, its stores write: accepted audit events and Keycloak lines, from
 * fast-check's generators (seed printed) and at the limits, go through storeAuditEvents and
 * storeAuthEvents into the real tables, indexes and projections, one at a time so that a refusal
 * names its record. Random CJK text does not compress: index entries are as large as they get.
 */
describe('what audit-ingest accepts, PostgreSQL stores (real tables)', () => {
  const now = new Date();
  const window: TimeWindow = { now, oldest: new Date('2000-01-01T00:00:00Z'), maxFutureSkewMs: 300_000 };
  const options: AuditValidationOptions = window;
  const seed = propertySeed('storable records (audit-ingest)');
  let stack: TestStack;
  let client: Client;
  let offset = 0;

  beforeAll(async () => {
    stack = await createTestStack('storable');
    client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await stack.teardown();
  });

  /** `length` random characters of 3 bytes each in UTF-8 (CJK), the same for the same seed. */
  const cjk = (length: number, salt: number) =>
    fc.sample(
      fc.string({
        unit: fc.integer({ min: 0x4e00, max: 0x9fff }).map((code) => String.fromCharCode(code)),
        minLength: length,
        maxLength: length,
      }),
      { seed: seed + salt, numRuns: 1 },
    )[0];

  async function store(candidates: unknown[]): Promise<{ stored: number; refused: string[] }> {
    const refused: string[] = [];
    let stored = 0;
    const ids = new Set<string>();
    for (const candidate of candidates) {
      const result = validateAuditEvent(candidate, options);
      if (!result.ok || ids.has(result.event.id)) continue;
      ids.add(result.event.id);
      try {
        const outcome = await storeAuditEvents(client, [
          { ...result, topic: 'audit.events.v1', partition: 0, offset: String(offset++) },
        ]);
        stored += outcome.stored.length;
      } catch (error) {
        refused.push(`${(error as Error).message}: ${JSON.stringify(result.event).slice(0, 200)}`);
      }
    }
    return { stored, refused };
  }

  it('stores every accepted audit event at the limits: ids, names, workspace with change, role', async () => {
    let n = 0;
    const base = (overrides: Record<string, unknown>, data: Record<string, unknown>) => ({
      specversion: '1.0',
      id: `${++n}-${cjk(250, 100 + n)}`,
      source: cjk(512, 1),
      type: cjk(256, 2),
      subject: cjk(512, 3),
      time: new Date(now.getTime() - 1000).toISOString(),
      ...overrides,
      data: {
        objectType: 'WorkspaceAccess',
        objectId: cjk(256, 4),
        objectName: cjk(512, 5),
        action: 'granted',
        workspace: cjk(256, 6),
        actor: { kind: 'user', id: cjk(256, 7), displayName: cjk(256, 8) },
        // with the 768 bytes of the workspace: 2,600 bytes, the most the workspace index holds
        change: `${cjk(610, 9)}ab`,
        changes: [{ field: 'role', from: null, to: cjk(256, 10) }],
        correlationId: cjk(256, 11),
        ...data,
      },
    });
    let deep: unknown = cjk(100, 12);
    // the event is level 1, data 2, changes 3, its entry 4: `to` may nest 28 levels more
    for (let i = 0; i < 28; i++) deep = i % 2 ? [deep] : { [cjk(256, 13 + i)]: deep };
    const candidates = [
      base({}, {}),
      base(
        { id: cjk(256, 50) },
        { objectType: 'PlatformInstance', action: 'updated', workspace: undefined, change: `${cjk(866, 51)}ab` },
      ),
      base(
        { time: '2000-01-01T00:00:00Z' },
        { objectType: 'Project', action: 'created', changes: [{ field: 'x', to: deep }] },
      ),
      base(
        { time: '2016-12-31T23:59:60Z' },
        { objectType: 'Project', action: 'updated', changes: [{ field: 'big', to: cjk(65_536, 52) }] },
      ),
      base(
        { time: new Date(now.getTime() + 299_000).toISOString() },
        { action: 'revoked', changes: [{ field: 'role', from: cjk(256, 53) }] },
      ),
      base(
        {},
        {
          objectType: 'Project',
          action: 'updated',
          changes: [{ field: 'many', to: Array.from({ length: 10_000 }, (_, i) => i) }],
        },
      ),
    ];
    for (const candidate of candidates) {
      const result = validateAuditEvent(candidate, options);
      expect({ accepted: result.ok, why: result.ok ? '' : result.message }).toEqual({ accepted: true, why: '' });
    }
    expect(await store(candidates)).toEqual({ stored: candidates.length, refused: [] });
  });

  it('stores every audit event it accepts among generated ones', async () => {
    const candidates = fc.sample(someAuditEvent(now), { seed, numRuns: 1_500 });
    const accepted = candidates.filter((candidate) => validateAuditEvent(candidate, options).ok).length;
    expect(accepted).toBeGreaterThan(150);
    const result = await store(candidates);
    expect(result.refused).toEqual([]);
    expect(result.stored).toBeGreaterThan(150);
  });

  it('stores every Keycloak line it accepts, at the limits and among generated ones', async () => {
    const at = (time: string, message: string) => `${time} INFO  [org.keycloak.events] (t) ${message}`;
    const limits = [
      at('2000-01-01 00:00:00,000', `type=${'A'.repeat(64)}, realmId=${cjk(256, 60)}, userId=${cjk(256, 61)}`),
      `type=LOGIN, realmId=m, userId=u, username=${cjk(65_000, 62)}`,
      JSON.stringify({ timestamp: '2016-12-31T23:59:60Z', message: `operationType=UPDATE, realmId=${cjk(256, 63)}` }),
    ];
    const message = fc
      .tuple(
        fc.constantFrom('type=LOGIN', 'operationType=UPDATE', 'type=LOGIN_ERROR'),
        fc.dictionary(
          fc.constantFrom('realmId', 'userId', 'clientId', 'username', 'error', 'x.y'),
          fc.oneof(
            { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
            hostileString,
          ),
        ),
      )
      .map(([first, pairs]) =>
        [
          first,
          `realmId=${pairs.realmId ?? 'master'}`,
          ...Object.entries(pairs).map(([k, v]) => `${k}="${v.replace(/["\\]/g, '')}"`),
        ].join(', '),
      );
    const lines = fc.sample(
      fc.oneof(
        fc.tuple(someTime(now), message).map(([t, m]) => at(t.replace('T', ' '), m)),
        fc
          .tuple(someTime(now), message)
          .map(([t, m]) => JSON.stringify({ timestamp: t, loggerName: 'org.keycloak.events', message: m })),
        message,
      ),
      { seed, numRuns: 1_500 },
    );
    const rows: AuthEventRow[] = [];
    for (const line of [...limits, ...lines]) {
      const result = parseKeycloakLine(line, now, window);
      if (result.ok)
        rows.push({ ...result.event, line, topic: 'keycloak.events.raw.v1', partition: 0, offset: String(offset++) });
    }
    expect(rows.length).toBeGreaterThan(150);
    for (const line of limits) expect(rows.some((row) => row.line === line)).toBe(true);
    const refused: string[] = [];
    for (const row of rows) {
      await storeAuthEvents(client, [row]).catch((error: Error) =>
        refused.push(`${error.message}: ${row.line.slice(0, 200)}`),
      );
    }
    expect(refused).toEqual([]);
    const [{ n }] = await stack.query<{ n: string }>('SELECT count(*)::text AS n FROM auth_events');
    expect(Number(n)).toBe(rows.length);
  });
});
