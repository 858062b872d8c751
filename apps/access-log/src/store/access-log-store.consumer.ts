import { Injectable, type OnModuleInit } from '@nestjs/common';
import { decodeAccessLogRecords, TOPICS, type AccessLogRecord, type RejectedAccessLogLine } from '@meshtrail/contracts';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { ConsumerHost, TopicNames, type BatchContext, type ConsumedRecord, type DeadLetter } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { AccessLogRepository } from './access-log.repository';

/**
 * The dead letters of one record: one per stable reason (`ACCESS_LOG.INVALID` of
 * `ACCESS_LOG.INVALID: status must be ...`), carrying the refused lines alone (NDJSON, as the
 * topic takes them: a replay republishes only those) and a message naming each line. One per
 * reason, because a dead letter is stored once per source offset and reason.
 */
export function refusals(record: ConsumedRecord, rejected: RejectedAccessLogLine[]): DeadLetter[] {
  const byReason = new Map<string, { lines: string[]; messages: string[] }>();
  for (const { index, line, reason } of rejected) {
    const colon = reason.indexOf(': ');
    const code = colon < 0 ? reason : reason.slice(0, colon);
    const detail = colon < 0 ? reason : reason.slice(colon + 2);
    const entry = byReason.get(code) ?? { lines: [], messages: [] };
    entry.lines.push(line);
    entry.messages.push(`line ${index}: ${detail}`);
    byReason.set(code, entry);
  }
  return [...byReason].map(([reason, { lines, messages }]) => {
    const value = Buffer.from(lines.join('\n'), 'utf8');
    return {
      record: { ...record, value, size: (record.key?.length ?? 0) + value.length },
      reason,
      message: messages.join('; '),
    };
  });
}

/**
 * Consumes access-logs.v1 in batches into the access-log store. A line that is not a valid
 * AccessLogRecord goes to access-logs.dlq.v1 with its reason; offsets are committed only after
 * the insert (and the dead letters) succeeded, and the insert is idempotent, so a redelivered
 * batch is stored once.
 */
@Injectable()
export class AccessLogStoreConsumer implements OnModuleInit {
  private readonly logger = new AppLogger('AccessLogStore');

  constructor(
    private readonly host: ConsumerHost,
    private readonly topics: TopicNames,
    private readonly repository: AccessLogRepository,
    private readonly deadLetters: DeadLetterQueue,
  ) {}

  onModuleInit(): void {
    this.host.register({
      name: 'AccessLogStore',
      groupId: this.topics.group('access-log.store'),
      topics: [this.topics.topic(TOPICS.accessLogs)],
      handle: (records, context) => this.handle(records, context),
      deadLetter: (letters) => this.deadLetters.send(letters),
    });
  }

  async handle(records: ConsumedRecord[], context: BatchContext): Promise<void> {
    const started = Date.now();
    const valid: AccessLogRecord[] = [];
    const deadLetters: DeadLetter[] = [];
    // records dated outside the window are refused: PostgreSQL stores what is left
    const window = { now: new Date() };
    for (const record of records) {
      const decoded = decodeAccessLogRecords(record.value, window);
      valid.push(...decoded.records);
      // the dead letters carry the refused lines alone; the rest of the message is stored
      if (decoded.rejected.length > 0) deadLetters.push(...refusals(record, decoded.rejected));
    }
    const stored = await this.repository.insert(valid);
    await this.deadLetters.send(deadLetters);
    this.logger.info('Access Logs Stored', {
      topic: context.topic,
      partition: context.partition,
      count: stored,
      duplicates: valid.length - stored,
      deadLetters: deadLetters.length,
      durationMs: Date.now() - started,
    });
  }
}
