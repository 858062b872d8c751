import { DatabaseConnection } from '@meshtrail/database';
import type { ConsumedRecord, DeadLetter } from '@meshtrail/kafka';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import {
  countDeadLetters,
  getDeadLetter,
  insertDeadLetter,
  listDeadLetters,
  markReplayed,
  readDeadLetters,
} from './dead-letter.store';

function letter(offset: number, overrides: Partial<DeadLetter> = {}, record: Partial<ConsumedRecord> = {}): DeadLetter {
  return {
    record: {
      topic: 't.audit.events.v1',
      partition: 1,
      offset: String(offset),
      key: Buffer.from('acme'),
      value: Buffer.from(`{"n":${offset}}`),
      headers: { 'content-type': 'application/json' },
      timestamp: '1763900000000',
      size: 10,
      ...record,
    },
    reason: 'EVENT.NOT_JSON',
    message: 'the value is not valid JSON',
    ...overrides,
  };
}

describe('dead-letter store (real PostgreSQL)', () => {
  let stack: TestStack;
  let sql: DatabaseConnection;

  beforeAll(async () => {
    stack = await createTestStack('deadletterstore');
    sql = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'dead-letter-store-test' });
  });
  afterAll(async () => {
    await sql.close();
    await stack.teardown();
  });

  it('stores a dead letter whole, once per source offset, reason and value, and gives the first id back on redelivery', async () => {
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x7b]);
    const first = await insertDeadLetter(
      sql,
      letter(7, { message: 'quotes \u0000 a NUL' }, { value: binary, headers: { a: 'x\u0000y', b: undefined } }),
      new Date('2031-01-01T00:00:00Z'),
    );
    expect(first.inserted).toBe(true);
    const again = await insertDeadLetter(sql, letter(7, {}, { value: binary }), new Date('2031-01-02T00:00:00Z'));
    expect(again).toEqual({ id: first.id, inserted: false });
    // other bytes at the same offset (a topic recreated under the same name) are another dead letter
    const recreated = await insertDeadLetter(sql, letter(7), new Date());
    expect(recreated.inserted).toBe(true);
    // another reason for the same record is another dead letter
    const other = await insertDeadLetter(sql, letter(7, { reason: 'EVENT.INVALID_SCHEMA' }), new Date());
    expect(other.inserted).toBe(true);

    const stored = await getDeadLetter(sql, first.id);
    expect(stored).toMatchObject({
      id: first.id,
      source: { topic: 't.audit.events.v1', partition: 1, offset: '7', timestamp: '2025-11-23T12:13:20.000Z' },
      reason: 'EVENT.NOT_JSON',
      message: 'quotes \uFFFD a NUL',
      headers: { a: 'x\uFFFDy', b: null },
      keySize: 4,
      valueSize: 4,
      deadLetteredAt: '2031-01-01T00:00:00.000Z',
      replayedAt: null,
      replayCount: 0,
    });
    expect(stored!.value).toEqual(binary);
    expect(stored!.key).toEqual(Buffer.from('acme'));
    expect(stored!.valueSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await getDeadLetter(sql, '999999')).toBeUndefined();
  });

  it('bounds the message and reason, and keeps a record without key or value', async () => {
    const { id } = await insertDeadLetter(
      sql,
      letter(8, { reason: 'R'.repeat(1000), message: 'm'.repeat(100_000) }, { key: null, value: null }),
      new Date(),
    );
    const stored = await getDeadLetter(sql, id);
    expect(Buffer.byteLength(stored!.message)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(stored!.reason)).toBeLessThanOrEqual(256);
    expect(stored).toMatchObject({ key: null, value: null, keySize: 0, valueSize: 0, valueSha256: null });
  });

  it('lists by topic, reason and time, newest first, a page at a time, and marks replays', async () => {
    const base = Date.parse('2032-06-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const reason = i % 2 === 0 ? 'ACCESS_LOG.NOT_JSON' : 'ACCESS_LOG.INVALID';
      ids.push(
        (
          await insertDeadLetter(
            sql,
            letter(100 + i, { reason }, { topic: 't.access-logs.v1' }),
            new Date(base + i * 60_000),
          )
        ).id,
      );
    }
    const topic = { topic: 't.access-logs.v1' };
    const first = await listDeadLetters(sql, topic, { limit: 2 });
    expect(first.deadLetters.map((d) => d.id)).toEqual([ids[4], ids[3]]);
    expect(first.deadLetters[0]).not.toHaveProperty('value');
    const second = await listDeadLetters(sql, topic, { limit: 2, cursor: first.nextCursor! });
    expect(second.deadLetters.map((d) => d.id)).toEqual([ids[2], ids[1]]);
    const last = await listDeadLetters(sql, topic, { limit: 2, cursor: second.nextCursor! });
    expect(last).toEqual({ deadLetters: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    const notJson = await listDeadLetters(sql, { ...topic, reason: 'ACCESS_LOG.NOT_JSON' }, { limit: 10 });
    expect(notJson.deadLetters.map((d) => d.id)).toEqual([ids[4], ids[2], ids[0]]);
    const window = { since: new Date(base + 60_000), until: new Date(base + 3 * 60_000) };
    expect((await listDeadLetters(sql, window, { limit: 10 })).deadLetters.map((d) => d.id)).toEqual([ids[2], ids[1]]);
    expect(await countDeadLetters(sql, { ...topic, ids: [ids[0], ids[1], '999999'] })).toBe(2);
    // hostile values are only ever parameters
    expect(await countDeadLetters(sql, { topic: "x' OR '1'='1", reason: '"; DROP TABLE dead_letters; --' })).toBe(0);

    expect(await markReplayed(sql, [ids[0], ids[1]], 'apiKey:ops', new Date('2032-07-01T00:00:00Z'))).toBe(2);
    expect(await markReplayed(sql, [ids[0]], 'user:jane', new Date('2032-07-02T00:00:00Z'))).toBe(1);
    expect(await getDeadLetter(sql, ids[0])).toMatchObject({
      replayedAt: '2032-07-02T00:00:00.000Z',
      replayedBy: 'user:jane',
      replayCount: 2,
    });
    expect(await countDeadLetters(sql, { ...topic, replayed: false })).toBe(3);
    const pending = await readDeadLetters(sql, { ...topic, replayed: false }, '0', 10);
    expect(pending.map((d) => d.id)).toEqual([ids[2], ids[3], ids[4]]);
    expect(pending[0].value).toEqual(Buffer.from('{"n":102}'));
  });
});
