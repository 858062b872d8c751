import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Keycloak event feed: Keycloak's own event id on auth_events (unique per kind and time, so a
 * republished event is stored once), and the feed's position per realm and kind: how far it has
 * read (the newest event time seen) and the ids it has seen within the window it reads again.
 */
export class KeycloakEventFeed1763990000300 implements MigrationInterface {
  name = 'KeycloakEventFeed1763990000300';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE auth_events ADD COLUMN keycloak_event_id text`);
    // a unique index on a partitioned table must hold the partition key (occurred_at): an event
    // read again carries the same time, so the index still names it once
    await runner.query(
      `CREATE UNIQUE INDEX auth_events_keycloak_event_idx ON auth_events (kind, keycloak_event_id, occurred_at)
       WHERE keycloak_event_id IS NOT NULL`,
    );
    await runner.query(`
      CREATE TABLE keycloak_feed_positions (
        realm        text        NOT NULL,
        kind         text        NOT NULL CHECK (kind IN ('login', 'admin')),
        watermark_ms bigint      NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (realm, kind)
      )`);
    await runner.query(`
      CREATE TABLE keycloak_feed_seen (
        realm      text   NOT NULL,
        kind       text   NOT NULL CHECK (kind IN ('login', 'admin')),
        event_id   text   NOT NULL,
        event_ms   bigint NOT NULL,
        PRIMARY KEY (realm, kind, event_id)
      )`);
    await runner.query(`CREATE INDEX keycloak_feed_seen_time_idx ON keycloak_feed_seen (realm, kind, event_ms)`);
    await runner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON keycloak_feed_positions, keycloak_feed_seen TO meshtrail_ingest`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE keycloak_feed_seen`);
    await runner.query(`DROP TABLE keycloak_feed_positions`);
    await runner.query(`DROP INDEX auth_events_keycloak_event_idx`);
    await runner.query(`ALTER TABLE auth_events DROP COLUMN keycloak_event_id`);
  }
}
