import fc from 'fast-check';
import { Client } from 'pg';
import { withDatabase } from '@meshtrail/database';
import { baseDatabaseUrl } from '../../../../test/support/run-id';
import { propertySeed, someAuditEvent, someTime } from '../../../../test/support/storable-arbitraries';
import { checkAccessLogRecord, type AccessLogRecord } from '../access-log';
import { canonicalJson } from './canonical-json';
import type { ValidAuditEvent } from './audit-event';
import { validateAuditEvent, type AuditValidationOptions } from './validate-audit-event';

/**
 * "Accepted means storable", asked of PostgreSQL itself: values the validators accepted, from
 * fast-check's generators (seed printed), go to the server as the stores send them (jsonb,
 * timestamptz, text, uuid, smallint, integer parameters), and every one must be taken. The
 * tables' indexes are the stores' int specs' business (apps/audit-ingest, apps/access-log).
 */
describe('accepted values are storable (real PostgreSQL)', () => {
  const now = new Date();
  const options: AuditValidationOptions = { now, maxFutureSkewMs: 300_000 };
  const seed = propertySeed('storable (PostgreSQL)');
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: withDatabase(baseDatabaseUrl(), 'postgres') });
    await client.connect();
  });
  afterAll(() => client.end());

  /** Until `count` accepted values are found among the generated ones. */
  function accepted<T, A>(arbitrary: fc.Arbitrary<T>, accept: (value: T) => A | undefined, count: number): A[] {
    const found: A[] = [];
    for (let round = 0; found.length < count && round < 50; round++) {
      for (const value of fc.sample(arbitrary, { seed: seed + round, numRuns: 500 })) {
        const result = accept(value);
        if (result !== undefined) found.push(result);
      }
    }
    return found.slice(0, count);
  }

  it('takes every accepted audit event: the event and its changes as jsonb, its time as timestamptz, its text', async () => {
    const events = accepted(
      someAuditEvent(now),
      (value): ValidAuditEvent | undefined => {
        const result = validateAuditEvent(value, options);
        return result.ok ? result : undefined;
      },
      300,
    );
    expect(events.length).toBe(300);
    const refused: string[] = [];
    for (const { event, occurredAt } of events) {
      const { data } = event;
      try {
        await client.query('SELECT $1::jsonb, $2::jsonb, $3::jsonb, $4::timestamptz, $5::text[], $6::timestamptz', [
          JSON.stringify(event),
          canonicalJson(event),
          JSON.stringify(data.changes ?? []),
          occurredAt,
          [event.id, event.source, event.type, event.subject, data.objectId, data.objectName, data.workspace]
            .concat([data.actor.id, data.actor.displayName, data.change, data.sourceIp, data.correlationId])
            .map((text) => text ?? null),
          event.time,
        ]);
      } catch (error) {
        refused.push(`${(error as Error).message}: ${JSON.stringify(event).slice(0, 300)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('takes every accepted access-log record as the store sends it (timestamptz, uuid, text, smallint, integer)', async () => {
    const text = fc.oneof(
      { weight: 8, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) },
    );
    const record = fc.record({
      id: fc.uuid(),
      time: fc.oneof(
        {
          weight: 3,
          arbitrary: fc.integer({ min: -1e9, max: 200_000 }).map((d) => new Date(now.getTime() + d).toISOString()),
        },
        { weight: 1, arbitrary: someTime(now) },
      ),
      service: text,
      host: text,
      remoteIp: text,
      status: fc.integer({ min: 100, max: 599 }),
      method: text,
      path: fc.oneof(
        text,
        fc.string({ unit: fc.constantFrom('/', 'a', 'é', '語', '😀'), minLength: 500, maxLength: 1_500 }),
      ),
      principal: fc.option(text, { nil: null }),
      userAgent: fc.option(text, { nil: null }),
      accept: fc.option(text, { nil: null }),
      durationMs: fc.oneof(fc.nat(10_000), fc.constant(2_147_483_647)),
      line: text,
    });
    const records = accepted(
      record,
      (value): AccessLogRecord | undefined => {
        const result = checkAccessLogRecord(value, { now });
        return result.ok ? result.record : undefined;
      },
      300,
    );
    expect(records.length).toBe(300);
    const refused: string[] = [];
    for (const r of records) {
      try {
        await client.query('SELECT $1::timestamptz, $2::uuid, $3::text[], $4::smallint, $5::integer', [
          r.time,
          r.id,
          [r.service, r.host, r.remoteIp, r.method, r.path, r.principal, r.userAgent, r.accept, r.line],
          r.status,
          r.durationMs,
        ]);
      } catch (error) {
        refused.push(`${(error as Error).message}: ${JSON.stringify(r).slice(0, 300)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('and refuses what the validators refuse, for the cases that started this (PostgreSQL agrees)', async () => {
    const refuses = async (sql: string, value: string) =>
      client.query(sql, [value]).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    expect(await refuses('SELECT $1::jsonb', '"x\\ud800y"')).toMatch(/invalid input syntax for type json/);
    expect(await refuses('SELECT $1::jsonb', '"x\\u0000y"')).toMatch(/unsupported Unicode escape sequence/);
    expect(await refuses('SELECT $1::timestamptz', '0000-01-01T00:00:00Z')).toMatch(/out of range/);
    expect(await refuses('SELECT $1::timestamptz', '2026-02-30T00:00:00Z')).toMatch(/out of range/);
  });
});
