import { type DynamicModule, Module } from '@nestjs/common';
import { DeadLettersModule } from '@meshtrail/dead-letters';
import { CONSUMING, CoreModule } from '@meshtrail/runtime';
import type { AuditIngestEnv } from './audit-ingest.env';
import { AuditEventsIngestor } from './audit-events/audit-events.ingestor';
import { IngestLifecycle } from './ingest/ingest.lifecycle';
import { ObjectCountsGauge } from './ingest/object-counts.gauge';
import { KeycloakEventsIngestor } from './keycloak/keycloak-events.ingestor';
import { ValidationThreads } from './validation/validation-threads';

/** Consumes audit.events.v1 and keycloak.events.raw.v1 into the append-only event store. */
@Module({})
export class AuditIngestModule {
  static register(config: AuditIngestEnv): DynamicModule {
    return {
      module: AuditIngestModule,
      imports: [CoreModule.register('audit-ingest', config, CONSUMING), DeadLettersModule],
      providers: [AuditEventsIngestor, KeycloakEventsIngestor, ObjectCountsGauge, ValidationThreads, IngestLifecycle],
    };
  }
}
