import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_REPLAY_HEADER, type AuditEventInput } from '@meshtrail/contracts';
import type { DeadLetterFilters } from './dead-letter-filters';
import {
  countDeadLetters,
  markReplayed,
  missingDeadLetters,
  readDeadLetters,
  type StoredDeadLetterRow,
} from './dead-letter.store';
import { deadLettersReplayed, type ReplayActor } from './dead-letter-replay.audit';
import type { SqlQueries } from '@meshtrail/database';
import type { KafkaHeaders, KafkaMessage } from '@meshtrail/kafka';

export interface ReplayRequest {
  filters: DeadLetterFilters;
  by: ReplayActor;
  /** Count and name what would be replayed; change nothing. */
  dryRun: boolean;
  /** At most this many dead letters. */
  limit: number;
}

export interface ReplayPorts {
  sql: SqlQueries;
  /** Sends records to a topic; resolves once the broker acknowledged them. */
  publish(topic: string, messages: KafkaMessage[]): Promise<unknown>;
  /** Sends audit events to audit.events.v1; resolves once acknowledged. */
  audit(events: AuditEventInput[]): Promise<unknown>;
  now?: () => Date;
}

export interface ReplayResult {
  replayId: string;
  dryRun: boolean;
  /** Dead letters matching the filters (all of them, not only this replay's). */
  matched: number;
  /** Dead letters republished (with dryRun: that would be). */
  replayed: number;
  ids: string[];
  /** Replayed records per source topic. */
  topics: Record<string, number>;
  /** More dead letters match than the limit allowed. */
  more: boolean;
  /**
   * Named ids that no dead letter has: never stored, or deleted since (retention deletes dead
   * letters once older than their policy). Nothing is replayed for them.
   */
  missing: string[];
}

const PAGE = 100;

/**
 * The effective filters: without explicit ids, only dead letters never replayed (replaying a
 * filter twice republishes nothing the second time); named ids are replayed again if asked.
 */
export function replaySelection(filters: DeadLetterFilters): DeadLetterFilters {
  return filters.ids === undefined && filters.replayed === undefined ? { ...filters, replayed: false } : filters;
}

/** The original record, as it was, with the header naming the dead letter it replays. */
export function replayMessage(row: StoredDeadLetterRow): KafkaMessage {
  const headers: KafkaHeaders = {};
  for (const [name, value] of Object.entries(row.headers)) if (value !== null) headers[name] = value;
  headers[DEAD_LETTER_REPLAY_HEADER] = row.id;
  return { key: row.key, value: row.value, headers };
}

/**
 * Republishes the original key, value and headers of each selected dead letter to its source
 * topic, marks the rows replayed (by whom, when), and publishes one audit event saying who
 * replayed how many with which filters. Ingestion is idempotent on the event id, so a record
 * replayed twice is stored once.
 */
export async function replayDeadLetters(request: ReplayRequest, ports: ReplayPorts): Promise<ReplayResult> {
  const now = ports.now ?? (() => new Date());
  const replayId = randomUUID();
  const filters = replaySelection(request.filters);
  const matched = await countDeadLetters(ports.sql, filters);
  const missing = await missingDeadLetters(ports.sql, filters.ids ?? []);
  const ids: string[] = [];
  const topics: Record<string, number> = {};
  let after = '0';
  let failure: Error | undefined;
  try {
    while (ids.length < request.limit) {
      const rows = await readDeadLetters(ports.sql, filters, after, Math.min(PAGE, request.limit - ids.length));
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      if (!request.dryRun) {
        const byTopic = new Map<string, KafkaMessage[]>();
        for (const row of rows)
          byTopic.set(row.source.topic, [...(byTopic.get(row.source.topic) ?? []), replayMessage(row)]);
        for (const [topic, messages] of byTopic) await ports.publish(topic, messages);
        await markReplayed(
          ports.sql,
          rows.map((row) => row.id),
          `${request.by.kind}:${request.by.id}`,
          now(),
        );
      }
      for (const row of rows) {
        ids.push(row.id);
        topics[row.source.topic] = (topics[row.source.topic] ?? 0) + 1;
      }
    }
  } catch (error) {
    failure = error as Error;
  }
  if (!request.dryRun && (ids.length > 0 || failure)) {
    await ports.audit([
      deadLettersReplayed({
        replayId,
        at: now(),
        by: request.by,
        filters,
        replayed: ids.length,
        topics,
        ids,
        ...(failure ? { error: failure.message } : {}),
      }),
    ]);
  }
  if (failure) throw failure;
  return {
    replayId,
    dryRun: request.dryRun,
    matched,
    replayed: ids.length,
    ids,
    topics,
    more: matched > ids.length,
    missing,
  };
}
