import { Inject, Injectable } from '@nestjs/common';
import { storeAuthEvents, type AuthEventRow } from '@meshtrail/audit-store';
import { DatabaseConnection } from '@meshtrail/database';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import type { BatchContext, ConsumedRecord, DeadLetter } from '@meshtrail/kafka';
import { AppLogger, traceBatchWrite } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import { eventTimeWindow, type AuditIngestEnv } from '../audit-ingest.env';
import { authEventsIngested } from '../ingest/audit.metrics';
import { parseKeycloakRecord } from './keycloak-feed-record.parser';

/**
 * One batch of keycloak.events.raw.v1: each record is one line of Keycloak's event log or one
 * event from meshtrail's Keycloak event feed. Parsed records become authentication and admin
 * events (failures kept with their error); a record that does not parse is a dead letter. Stored
 * once per record (and once per Keycloak event id), then committed.
 */
@Injectable()
export class KeycloakEventsIngestor {
  private readonly logger = new AppLogger('KeycloakEvents');

  constructor(
    private readonly database: DatabaseConnection,
    private readonly deadLetters: DeadLetterQueue,
    @Inject(SERVICE_CONFIG) private readonly config: AuditIngestEnv,
  ) {}

  async ingest(records: ConsumedRecord[], context: BatchContext): Promise<void> {
    const started = Date.now();
    const rows: AuthEventRow[] = [];
    const refused: DeadLetter[] = [];
    const window = eventTimeWindow(this.config, new Date());
    for (const record of records) {
      const line = record.value?.toString('utf8') ?? '';
      const result = parseKeycloakRecord(line, new Date(Number(record.timestamp)), window);
      if (result.ok) {
        rows.push({ ...result.event, line, topic: record.topic, partition: record.partition, offset: record.offset });
      } else refused.push({ record, reason: result.code, message: result.message });
    }
    const stored = await traceBatchWrite(
      'auth_events',
      records,
      () => this.database.withClient((client) => storeAuthEvents(client, rows)),
      (written) => written,
    );
    await this.deadLetters.send(refused);
    for (const kind of ['login', 'admin'] as const) {
      const n = rows.filter((row) => row.kind === kind).length;
      if (n > 0) authEventsIngested.add(n, { kind });
    }
    this.logger.info('Events Ingested', {
      topic: context.topic,
      partition: context.partition,
      count: stored,
      deadLetters: refused.length,
      duplicates: rows.length - stored,
      durationMs: Date.now() - started,
    });
  }
}
