import type { SqlSession } from '@meshtrail/database';
import { readCheckpoints } from '../checkpoint/checkpoint.store';

const TRAIL_PAGE = 5000;
const CHECKPOINT_PAGE = 100;

/**
 * Every audit event in commit order as one line of a verifiable export: `{id, xactId, seq, time,
 * event}` with the event as stored (what parseTrailLine reads). Read page by page through the
 * commit-order index; run it in one REPEATABLE READ transaction for a consistent export.
 */
export async function* trailExportLines(session: SqlSession, pageSize = TRAIL_PAGE): AsyncGenerator<string> {
  let after = { xactId: '0', seq: '-9223372036854775808' };
  for (;;) {
    // ORDER BY names the table's columns (e.seq): the selected texts share their names and would sort as text
    const { rows } = await session.query<{ line: string; xact_id: string; seq: string }>(
      `SELECT json_build_object('id', id, 'xactId', xact_id::text, 'seq', seq::text,
                'time', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'event', event)::text AS line,
              xact_id::text, seq::text
       FROM audit_events e WHERE (e.xact_id, e.seq) > ($1::xid8, $2::bigint) ORDER BY e.xact_id, e.seq LIMIT $3`,
      [after.xactId, after.seq, pageSize],
    );
    for (const row of rows) yield row.line;
    if (rows.length < pageSize) return;
    after = { xactId: rows[rows.length - 1].xact_id, seq: rows[rows.length - 1].seq };
  }
}

/** Every checkpoint, in number order, one JSON per line with its leaf list: the file verify --checkpoints reads. */
export async function* checkpointLines(session: SqlSession): AsyncGenerator<string> {
  for (let after = 0; ;) {
    const page = await readCheckpoints(session, after, CHECKPOINT_PAGE);
    for (const checkpoint of page) yield JSON.stringify(checkpoint);
    if (page.length < CHECKPOINT_PAGE) return;
    after = page[page.length - 1].number;
  }
}
