import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters, kept whole: every record a consumer could not store, with its original key,
 * headers and value byte for byte (the dead-letter topics carry only a bounded summary of a large
 * one), the stable reason and a bounded message. A redelivered batch stores each refusal once:
 * (source topic, partition, offset, reason, value hash) is unique. Replays are recorded on the row.
 */
export class DeadLetters1763970000000 implements MigrationInterface {
  name = 'DeadLetters1763970000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE dead_letters (
        id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_topic     text        NOT NULL,
        source_partition integer     NOT NULL CHECK (source_partition >= 0),
        source_offset    bigint      NOT NULL CHECK (source_offset >= 0),
        source_timestamp timestamptz,
        reason           text        NOT NULL CHECK (octet_length(reason) BETWEEN 1 AND 256),
        message          text        NOT NULL CHECK (octet_length(message) <= 4096),
        key              bytea,
        headers          jsonb       NOT NULL DEFAULT '{}'::jsonb,
        value            bytea,
        value_size       integer     NOT NULL CHECK (value_size >= 0),
        value_sha256     text        CHECK (value_sha256 ~ '^[0-9a-f]{64}$'),
        dead_lettered_at timestamptz NOT NULL DEFAULT now(),
        replayed_at      timestamptz,
        replayed_by      text,
        replay_count     integer     NOT NULL DEFAULT 0 CHECK (replay_count >= 0),
        CHECK ((value IS NULL) = (value_sha256 IS NULL)),
        CHECK ((replayed_at IS NULL) = (replayed_by IS NULL)),
        -- the value's hash too: a topic recreated under the same name reuses offsets for other records
        UNIQUE NULLS NOT DISTINCT (source_topic, source_partition, source_offset, reason, value_sha256)
      )`);
    // the listing's filters, newest first (the id is the listing's order and cursor)
    await runner.query(`CREATE INDEX dead_letters_topic_idx ON dead_letters (source_topic, id DESC)`);
    await runner.query(`CREATE INDEX dead_letters_reason_idx ON dead_letters (reason, id DESC)`);
    await runner.query(`CREATE INDEX dead_letters_time_idx ON dead_letters (dead_lettered_at DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS dead_letters`);
  }
}
