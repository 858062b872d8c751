import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ensurePartitions } from '@meshtrail/audit-store';
import { TOPICS } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { ConsumerHost, TopicNames, type BatchContext, type ConsumedRecord, type DeadLetter } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import type { AuditIngestEnv } from '../audit-ingest.env';
import { AuditEventsIngestor } from '../audit-events/audit-events.ingestor';
import { KeycloakEventsIngestor } from '../keycloak/keycloak-events.ingestor';
import { ObjectCountsGauge } from '../projection/object-counts.gauge';

const PARTITION_CHECK_MS = 6 * 3_600_000;
const PARTITION_RETRY_MS = 60_000;

/**
 * Prepares the ingestion (partitions ahead, counts) and registers the consumers with the host,
 * which starts them once the app is up and stops them first on shutdown: the batch in flight
 * finishes and commits before the database and the producer close.
 */
@Injectable()
export class IngestLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new AppLogger('Ingest');
  private partitionTimer?: NodeJS.Timeout;
  private partitionRetry?: NodeJS.Timeout;

  constructor(
    private readonly host: ConsumerHost,
    @Inject(SERVICE_CONFIG) private readonly config: AuditIngestEnv,
    private readonly topics: TopicNames,
    private readonly database: DatabaseConnection,
    private readonly auditEvents: AuditEventsIngestor,
    private readonly keycloakEvents: KeycloakEventsIngestor,
    private readonly objectCounts: ObjectCountsGauge,
    private readonly deadLetters: DeadLetterQueue,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensurePartitions();
    this.partitionTimer = setInterval(() => void this.ensurePartitions(), PARTITION_CHECK_MS);
    this.partitionTimer.unref();
    this.objectCounts.start();
    const shared = {
      retry: { initialMs: 200, maxMs: 10_000 },
      partitionsConsumedConcurrently: this.config.AUDIT_INGEST_CONCURRENCY,
      maxBytesPerPartition: this.config.AUDIT_INGEST_MAX_BATCH_BYTES,
      maxBytes: this.config.AUDIT_INGEST_MAX_BATCH_BYTES * this.config.AUDIT_INGEST_CONCURRENCY,
      sessionTimeoutMs: this.config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
      deadLetter: (letters: DeadLetter[]) => this.deadLetters.send(letters),
    };
    const auditEvents = {
      ...shared,
      handle: (records: ConsumedRecord[], context: BatchContext) => this.auditEvents.ingest(records, context),
      probe: () => this.auditEvents.probe(),
    };
    this.host.register({
      ...auditEvents,
      name: 'AuditEvents',
      groupId: this.topics.group('audit-ingest'),
      topics: [this.topics.topic(TOPICS.auditEvents)],
    });
    // a consumer of its own: a flood on the general topic never delays a grant or a revocation
    this.host.register({
      ...auditEvents,
      name: 'AccessGrants',
      groupId: this.topics.group('audit-ingest.grants'),
      topics: [this.topics.topic(TOPICS.accessGrants)],
    });
    this.host.register({
      ...shared,
      name: 'KeycloakEvents',
      groupId: this.topics.group('audit-ingest.keycloak'),
      topics: [this.topics.topic(TOPICS.keycloakEventsRaw)],
      handle: (records, context) => this.keycloakEvents.ingest(records, context),
    });
  }

  private async ensurePartitions(): Promise<void> {
    try {
      const created = await this.database.withClient((client) =>
        ensurePartitions(client, this.config.AUDIT_PARTITION_MONTHS_AHEAD),
      );
      this.logger.info('Partitions Ensured', { created, monthsAhead: this.config.AUDIT_PARTITION_MONTHS_AHEAD });
    } catch (error) {
      // events still land (in the default partition) meanwhile; try again in a minute
      this.logger.warn('Partitions Not Ensured', { error: (error as Error).message, retryInMs: PARTITION_RETRY_MS });
      clearTimeout(this.partitionRetry);
      this.partitionRetry = setTimeout(() => void this.ensurePartitions(), PARTITION_RETRY_MS);
      this.partitionRetry.unref();
    }
  }

  /** After the host stopped the consumers (on the first shutdown hook). */
  beforeApplicationShutdown(): void {
    clearInterval(this.partitionTimer);
    clearTimeout(this.partitionRetry);
    this.objectCounts.stop();
  }
}
