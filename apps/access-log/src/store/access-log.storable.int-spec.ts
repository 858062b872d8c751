import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { checkAccessLogRecord, type AccessLogRecord } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { hostileString, propertySeed } from '../../../../test/support/storable-arbitraries';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { AccessLogRepository } from './access-log.repository';

/**
 * What the access-log store's consumer accepts, the access_logs table takes: records at the
 * limits (random CJK, which does not compress, in the indexed path and principal) and generated
 * ones (seed printed) go through the repository one at a time, so that a refusal names its record.
 */
describe('what the access-log consumer accepts, access_logs stores (real PostgreSQL)', () => {
  const now = new Date();
  const seed = propertySeed('storable access-log records');
  let stack: TestStack;
  let connection: DatabaseConnection;
  let repository: AccessLogRepository;

  beforeAll(async () => {
    stack = await createTestStack('accesslogstorable');
    connection = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'test' });
    repository = new AccessLogRepository(connection);
  });
  afterAll(async () => {
    await connection.onApplicationShutdown();
    await stack.teardown();
  });

  const cjk = (length: number, salt: number) =>
    fc.sample(
      fc.string({
        unit: fc.integer({ min: 0x4e00, max: 0x9fff }).map((code) => String.fromCharCode(code)),
        minLength: length,
        maxLength: length,
      }),
      { seed: seed + salt, numRuns: 1 },
    )[0];

  const record = (overrides: Partial<AccessLogRecord>): AccessLogRecord => ({
    id: randomUUID(),
    time: new Date(now.getTime() - 1000).toISOString(),
    service: 's'.repeat(64),
    host: cjk(255, 1),
    remoteIp: cjk(64, 2),
    status: 599,
    method: 'M'.repeat(32),
    path: `/${cjk(866, 3)}a`, // 2,600 bytes of UTF-8, the most the path index holds
    principal: cjk(512, 4),
    userAgent: cjk(65_536, 5),
    accept: cjk(1000, 6),
    durationMs: 2_147_483_647,
    line: cjk(65_536, 7),
    ...overrides,
  });

  async function insertEach(candidates: unknown[]): Promise<{ stored: number; refused: string[] }> {
    let stored = 0;
    const refused: string[] = [];
    for (const candidate of candidates) {
      const checked = checkAccessLogRecord(candidate, { now });
      if (!checked.ok) continue;
      try {
        stored += await repository.insert([checked.record]);
      } catch (error) {
        refused.push(`${(error as Error).message}: ${JSON.stringify(checked.record).slice(0, 200)}`);
      }
    }
    return { stored, refused };
  }

  it('stores records at every limit', async () => {
    const limits = [
      record({}),
      record({ time: '2000-01-01T00:00:00.000Z', status: 100, durationMs: 0 }),
      record({ time: new Date(now.getTime() + 299_000).toISOString(), principal: null, userAgent: null, accept: null }),
    ];
    for (const candidate of limits) expect(checkAccessLogRecord(candidate, { now }).ok).toBe(true);
    expect(await insertEach(limits)).toEqual({ stored: limits.length, refused: [] });
  });

  it('stores every record it accepts among generated ones', async () => {
    const text = fc.oneof(
      { weight: 10, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
      { weight: 1, arbitrary: hostileString },
    );
    const candidate = fc.record({
      id: fc.uuid(),
      time: fc.integer({ min: -20 * 86_400_000, max: 400_000 }).map((d) => new Date(now.getTime() + d).toISOString()),
      service: text,
      host: text,
      remoteIp: text,
      status: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 100, max: 599 }) },
        { weight: 1, arbitrary: fc.integer() },
      ),
      method: text,
      path: fc.oneof(
        text,
        fc.string({ unit: fc.constantFrom('/', 'a', 'é', '語', '😀'), minLength: 500, maxLength: 1_400 }),
      ),
      principal: fc.option(text, { nil: null }),
      userAgent: fc.option(text, { nil: null }),
      accept: fc.option(text, { nil: null }),
      durationMs: fc.oneof(fc.nat(10_000), fc.constant(2_147_483_647), fc.constant(2 ** 31)),
      line: text,
    });
    const candidates = fc.sample(candidate, { seed, numRuns: 500 });
    const result = await insertEach(candidates);
    expect(result.refused).toEqual([]);
    expect(result.stored).toBeGreaterThan(100);
  });
});
