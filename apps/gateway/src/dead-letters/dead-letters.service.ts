import { Inject, Injectable } from '@nestjs/common';
import { AuditEventPublisher } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import {
  getDeadLetter,
  listDeadLetters,
  replayDeadLetters,
  type DeadLetterFilters,
  type DeadLetterPage,
  type ReplayActor,
  type ReplayResult,
  type StoredDeadLetterRow,
} from '@meshtrail/dead-letters';
import { KAFKA_OPTIONS, KafkaProducer, type KafkaModuleOptions } from '@meshtrail/kafka';

/** How much of a UTF-8 value the inspection shows as text. */
const TEXT_PREVIEW_CHARS = 65_536;

/** One dead letter as the inspection shows it: everything, the original bytes as base64 and, when UTF-8, as text. */
export function inspection(row: StoredDeadLetterRow) {
  const { key, value, ...summary } = row;
  let valueText: string | null = null;
  if (value !== null) {
    try {
      valueText = new TextDecoder('utf-8', { fatal: true }).decode(value);
    } catch {
      valueText = null;
    }
  }
  return {
    ...summary,
    keyBase64: key?.toString('base64') ?? null,
    keyText: key === null ? null : key.toString('utf8'),
    valueBase64: value?.toString('base64') ?? null,
    valueText: valueText === null ? null : valueText.slice(0, TEXT_PREVIEW_CHARS),
    valueTextTruncated: valueText !== null && valueText.length > TEXT_PREVIEW_CHARS,
  };
}

/** Lists, inspects and replays dead letters; a replay republishes through the service's producer and is audited. */
@Injectable()
export class DeadLettersService {
  private readonly audit: AuditEventPublisher;

  constructor(
    private readonly database: DatabaseConnection,
    private readonly producer: KafkaProducer,
    @Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions,
  ) {
    this.audit = new AuditEventPublisher({
      sink: producer,
      source: 'meshtrail/gateway',
      topicPrefix: options.topicPrefix,
    });
  }

  get topicPrefix(): string {
    return this.options.topicPrefix;
  }

  async list(filters: DeadLetterFilters, page: { limit: number; cursor?: string }): Promise<DeadLetterPage> {
    return listDeadLetters(this.database, filters, page);
  }

  async get(id: string): Promise<StoredDeadLetterRow | undefined> {
    return getDeadLetter(this.database, id);
  }

  async replay(filters: DeadLetterFilters, by: ReplayActor, dryRun: boolean, limit: number): Promise<ReplayResult> {
    return replayDeadLetters(
      { filters, by, dryRun, limit },
      {
        sql: this.database,
        publish: (topic, messages) => this.producer.send(topic, messages),
        audit: (events) => this.audit.publish(events),
      },
    );
  }
}
