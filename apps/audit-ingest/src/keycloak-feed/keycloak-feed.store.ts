import { INGEST_ROLE } from '@meshtrail/audit-store';
import { inTransaction, type SqlSession } from '@meshtrail/database';
import type { FeedKind } from './keycloak-admin.client';

/**
 * The feed's position in PostgreSQL, per realm and kind: the newest event time it has published
 * (the watermark) and the ids it published within the overlap below it, which it reads again.
 */
export async function readWatermark(session: SqlSession, realm: string, kind: FeedKind): Promise<number | undefined> {
  const { rows } = await session.query<{ watermark_ms: string }>(
    'SELECT watermark_ms::text FROM keycloak_feed_positions WHERE realm = $1 AND kind = $2',
    [realm, kind],
  );
  return rows.length ? Number(rows[0].watermark_ms) : undefined;
}

/** The ids among `ids` the feed has not published yet. */
export async function unseenIds(
  session: SqlSession,
  realm: string,
  kind: FeedKind,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await session.query<{ event_id: string }>(
    `SELECT event_id FROM keycloak_feed_seen WHERE realm = $1 AND kind = $2 AND event_id = ANY($3::text[])`,
    [realm, kind, ids],
  );
  const seen = new Set(rows.map((row) => row.event_id));
  return new Set(ids.filter((id) => !seen.has(id)));
}

/**
 * After the events were published: remembers their ids, moves the watermark, and forgets ids
 * below the window the next poll reads again. One transaction: a crash before it commits means
 * the events are published again, and stored once (auth_events is unique on Keycloak's id).
 */
export async function recordPublished(
  session: SqlSession,
  position: { realm: string; kind: FeedKind; watermark: number; overlapMs: number },
  published: Array<{ id: string; time: number }>,
): Promise<void> {
  const { realm, kind, watermark, overlapMs } = position;
  await inTransaction(session, async () => {
    await session.query(`SET LOCAL ROLE ${INGEST_ROLE}`);
    if (published.length) {
      await session.query(
        `INSERT INTO keycloak_feed_seen (realm, kind, event_id, event_ms)
         SELECT $1, $2, id, ms FROM unnest($3::text[], $4::bigint[]) AS e(id, ms)
         ON CONFLICT DO NOTHING`,
        [realm, kind, published.map((e) => e.id), published.map((e) => e.time)],
      );
    }
    await session.query(
      `INSERT INTO keycloak_feed_positions (realm, kind, watermark_ms) VALUES ($1, $2, $3)
       ON CONFLICT (realm, kind) DO UPDATE
         SET watermark_ms = GREATEST(keycloak_feed_positions.watermark_ms, EXCLUDED.watermark_ms), updated_at = now()`,
      [realm, kind, watermark],
    );
    await session.query(`DELETE FROM keycloak_feed_seen WHERE realm = $1 AND kind = $2 AND event_ms < $3`, [
      realm,
      kind,
      watermark - overlapMs,
    ]);
  });
}
