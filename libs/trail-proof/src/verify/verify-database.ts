import type { SqlSession } from '@meshtrail/database';
import type { SignedCheckpoint } from '../checkpoint/checkpoint';
import { readCheckpoints } from '../checkpoint/checkpoint.store';
import type { PublicKeySet } from '../checkpoint/seal-keys';
import type { VerifyReport } from './findings';
import { TrailVerifier } from './trail-verifier';

const PAGE = 5000;
// ORDER BY names the table's columns (e.seq): the selected texts share their names and would sort as text

/** Every checkpoint in the database, in number order. */
export async function readAllCheckpoints(session: SqlSession): Promise<SignedCheckpoint[]> {
  const all: SignedCheckpoint[] = [];
  for (;;) {
    const page = await readCheckpoints(session, all.at(-1)?.number ?? 0, 500);
    all.push(...page);
    if (page.length < 500) return all;
  }
}

/**
 * Verifies the trail in the database against the checkpoints in the database. The checkpoints'
 * signatures are checked with `keys` (held outside the database): a checkpoint table rewritten
 * by whoever can write the database fails them.
 */
export async function verifyDatabase(
  session: SqlSession,
  keys: PublicKeySet,
  checkpoints?: readonly SignedCheckpoint[],
  pageSize = PAGE,
): Promise<VerifyReport> {
  const verifier = new TrailVerifier(checkpoints ?? (await readAllCheckpoints(session)), keys);
  let after = { xactId: '0', seq: '-9223372036854775808' };
  for (;;) {
    const { rows } = await session.query<{
      id: string;
      xact_id: string;
      seq: string;
      occurred_us: string;
      event: unknown;
    }>(
      `SELECT id, xact_id::text, seq::text, (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS occurred_us, event
       FROM audit_events e WHERE (e.xact_id, e.seq) > ($1::xid8, $2::bigint) ORDER BY e.xact_id, e.seq LIMIT $3`,
      [after.xactId, after.seq, pageSize],
    );
    for (const row of rows) {
      verifier.add({
        id: row.id,
        position: { xactId: row.xact_id, seq: row.seq },
        occurredUs: BigInt(row.occurred_us),
        event: row.event,
      });
    }
    if (rows.length < pageSize) return verifier.finish();
    const last = rows[rows.length - 1];
    after = { xactId: last.xact_id, seq: last.seq };
  }
}
