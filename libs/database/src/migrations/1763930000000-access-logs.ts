import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access-log store: one row per API request, range-partitioned by month on the request
 * time (partitions access_logs_YYYYMM, plus access_logs_default), so retention drops whole
 * months. The primary key (requested_at, id) includes the partition key, which makes the
 * capture-time record id an idempotency key across partitions: a redelivered record has the same
 * id and the same time. The indexes follow the search API's filters, newest first.
 */
export class AccessLogs1763930000000 implements MigrationInterface {
  name = 'AccessLogs1763930000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE access_logs (
        requested_at timestamptz NOT NULL,
        id uuid NOT NULL,
        service text NOT NULL,
        host text NOT NULL,
        remote_ip text NOT NULL,
        status smallint NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        principal text,
        user_agent text,
        accept text,
        duration_ms integer NOT NULL,
        line text NOT NULL,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (requested_at, id)
      ) PARTITION BY RANGE (requested_at)
    `);
    await runner.query('CREATE TABLE access_logs_default PARTITION OF access_logs DEFAULT');
    await runner.query('CREATE INDEX access_logs_principal_idx ON access_logs (principal, requested_at DESC)');
    await runner.query('CREATE INDEX access_logs_remote_ip_idx ON access_logs (remote_ip, requested_at DESC)');
    await runner.query('CREATE INDEX access_logs_status_idx ON access_logs (status, requested_at DESC)');
    await runner.query('CREATE INDEX access_logs_path_idx ON access_logs (path text_pattern_ops)');
    // last month to two months ahead; the access-log service adds months as records arrive
    await runner.query(
      "SELECT meshtrail_ensure_monthly_partitions('access_logs', (date_trunc('month', now()) - interval '1 month')::date, 4)",
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS access_logs');
  }
}
