import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only audit event store, Keycloak's authentication events beside it, the projections
 * rebuilt from it, and the role that ingests (INSERT and SELECT only, so it can neither rewrite
 * nor delete the trail). The table owner keeps the right to drop partitions and delete rows, for
 * retention.
 */
export class AuditEventStore1763910000000 implements MigrationInterface {
  name = 'AuditEventStore1763910000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    // Roles are cluster-wide: several databases (and parallel test runs) create this one at once.
    await runner.query(`
      DO $$
      BEGIN
        CREATE ROLE meshtrail_ingest NOLOGIN;
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN NULL;
      END
      $$`);
    // A migrator that is not superuser must be a member to let services SET ROLE to it.
    await runner.query(`
      DO $$
      BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT meshtrail_ingest TO %I', current_user);
        END IF;
      END
      $$`);

    await runner.query(`CREATE SEQUENCE audit_events_seq`);
    await runner.query(`
      CREATE TABLE audit_events (
        seq             bigint      NOT NULL DEFAULT nextval('audit_events_seq'),
        id              text        NOT NULL,
        occurred_at     timestamptz NOT NULL,
        ingested_at     timestamptz NOT NULL DEFAULT now(),
        source          text        NOT NULL,
        type            text        NOT NULL,
        subject         text,
        object_type     text        NOT NULL,
        object_id       text        NOT NULL,
        object_name     text,
        action          text        NOT NULL,
        workspace       text,
        actor_kind      text        NOT NULL,
        actor_id        text        NOT NULL,
        actor_name      text,
        change          text        NOT NULL,
        changes         jsonb       NOT NULL DEFAULT '[]',
        source_ip       text,
        correlation_id  text,
        event           jsonb       NOT NULL,
        hash            text        NOT NULL,
        kafka_topic     text        NOT NULL,
        kafka_partition integer     NOT NULL,
        kafka_offset    bigint      NOT NULL,
        PRIMARY KEY (id, occurred_at)
      ) PARTITION BY RANGE (occurred_at)`);
    await runner.query(`ALTER SEQUENCE audit_events_seq OWNED BY audit_events.seq`);
    await runner.query(`CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT`);
    // the query API's filters: everything by time, a workspace's trail, object type and action,
    // an actor, one object, and free text in the change line
    await runner.query(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, seq)`);
    await runner.query(`CREATE INDEX audit_events_workspace_idx ON audit_events (workspace, occurred_at, seq)`);
    await runner.query(
      `CREATE INDEX audit_events_object_type_idx ON audit_events (object_type, action, occurred_at, seq)`,
    );
    await runner.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at)`);
    await runner.query(`CREATE INDEX audit_events_object_idx ON audit_events (object_id, occurred_at)`);
    await runner.query(
      `CREATE INDEX audit_events_change_trgm_idx ON audit_events USING gin (lower(change) gin_trgm_ops)`,
    );

    // Idempotency across partitions: a unique index on audit_events must include occurred_at,
    // so event ids are registered here, with the hash that tells a duplicate from a conflict.
    await runner.query(`
      CREATE TABLE audit_event_ids (
        id          text        PRIMARY KEY,
        hash        text        NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);

    await runner.query(`CREATE SEQUENCE auth_events_seq`);
    await runner.query(`
      CREATE TABLE auth_events (
        seq             bigint      NOT NULL DEFAULT nextval('auth_events_seq'),
        occurred_at     timestamptz NOT NULL,
        ingested_at     timestamptz NOT NULL DEFAULT now(),
        kind            text        NOT NULL CHECK (kind IN ('login', 'admin')),
        type            text        NOT NULL,
        realm_id        text,
        realm_name      text,
        client_id       text,
        user_id         text,
        session_id      text,
        ip_address      text,
        error           text,
        resource_type   text,
        resource_path   text,
        details         jsonb       NOT NULL DEFAULT '{}',
        line            text        NOT NULL,
        kafka_topic     text        NOT NULL,
        kafka_partition integer     NOT NULL,
        kafka_offset    bigint      NOT NULL,
        UNIQUE (kafka_topic, kafka_partition, kafka_offset, occurred_at)
      ) PARTITION BY RANGE (occurred_at)`);
    await runner.query(`ALTER SEQUENCE auth_events_seq OWNED BY auth_events.seq`);
    await runner.query(`CREATE TABLE auth_events_default PARTITION OF auth_events DEFAULT`);
    await runner.query(`CREATE INDEX auth_events_time_idx ON auth_events (occurred_at, seq)`);
    await runner.query(`CREATE INDEX auth_events_user_idx ON auth_events (user_id, occurred_at)`);
    await runner.query(`CREATE INDEX auth_events_type_idx ON auth_events (realm_id, type, occurred_at)`);

    // Nobody rewrites history, not even the owner; retention drops partitions or deletes rows.
    await runner.query(`
      CREATE FUNCTION meshtrail_reject_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION '% is append-only: its rows are never updated', TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END
      $fn$`);
    for (const table of ['audit_events', 'audit_event_ids', 'auth_events']) {
      await runner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION meshtrail_reject_update()`,
      );
    }

    // Projections: disposable, rebuilt from audit_events by "admin-cli rebuild-projections".
    await runner.query(`
      CREATE TABLE workspace_memberships (
        workspace   text        NOT NULL,
        user_id     text        NOT NULL,
        role        text        NOT NULL,
        since       timestamptz NOT NULL,
        granted_seq bigint      NOT NULL,
        PRIMARY KEY (workspace, user_id, role)
      )`);
    await runner.query(`CREATE INDEX workspace_memberships_user_idx ON workspace_memberships (user_id)`);
    await runner.query(`
      CREATE TABLE live_objects (
        object_type text NOT NULL,
        object_id   text NOT NULL,
        PRIMARY KEY (object_type, object_id)
      )`);
    await runner.query(`
      CREATE TABLE object_counts (
        object_type text   PRIMARY KEY,
        count       bigint NOT NULL
      )`);

    await runner.query(`GRANT SELECT, INSERT ON audit_events, audit_event_ids, auth_events TO meshtrail_ingest`);
    await runner.query(`GRANT USAGE ON SEQUENCE audit_events_seq, auth_events_seq TO meshtrail_ingest`);
    await runner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON workspace_memberships, live_objects, object_counts TO meshtrail_ingest`,
    );

    await runner.query(
      `SELECT meshtrail_ensure_monthly_partitions('audit_events', (now() - interval '1 month')::date, 4)`,
    );
    await runner.query(
      `SELECT meshtrail_ensure_monthly_partitions('auth_events', (now() - interval '1 month')::date, 4)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS object_counts, live_objects, workspace_memberships`);
    await runner.query(`DROP TABLE IF EXISTS auth_events, audit_event_ids, audit_events`);
    await runner.query(`DROP FUNCTION IF EXISTS meshtrail_reject_update()`);
    // the role is cluster-wide and may serve other databases: it stays
  }
}
