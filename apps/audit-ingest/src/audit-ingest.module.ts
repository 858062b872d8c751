import { type DynamicModule, Module } from '@nestjs/common';
import { DeadLetterBurstIndicator, DeadLettersModule } from '@meshtrail/dead-letters';
import { ConsumerHealthIndicator } from '@meshtrail/kafka';
import { CoreModule } from '@meshtrail/runtime';
import type { AuditIngestEnv } from './audit-ingest.env';
import { AuditEventsIngestor } from './audit-events/audit-events.ingestor';
import { IngestLifecycle } from './ingest/ingest.lifecycle';
import { KeycloakEventsIngestor } from './keycloak/keycloak-events.ingestor';
import { KeycloakEventFeed } from './keycloak-feed/keycloak-event-feed';
import { KeycloakFeedModule } from './keycloak-feed/keycloak-feed.module';
import { TrailProjectionModule } from './projection/trail-projection.module';
import { TrailProjector } from './projection/trail-projector';
import { TrailSealingModule } from './sealing/trail-sealing.module';
import { TrailSealer } from './sealing/trail-sealer';
import { ValidationThreads } from './validation/validation-threads';

/**
 * Consumes audit.events.v1 and keycloak.events.raw.v1 into the append-only event store, projects it
 * into the read model, and seals it; feeds Keycloak's stored events to keycloak.events.raw.v1.
 */
@Module({})
export class AuditIngestModule {
  static register(config: AuditIngestEnv): DynamicModule {
    return {
      module: AuditIngestModule,
      imports: [
        CoreModule.register('audit-ingest', config, {
          imports: [TrailProjectionModule, TrailSealingModule, KeycloakFeedModule, DeadLettersModule],
          indicators: [
            ConsumerHealthIndicator,
            TrailProjector,
            TrailSealer,
            KeycloakEventFeed,
            DeadLetterBurstIndicator,
          ],
        }),
        DeadLettersModule,
        TrailProjectionModule,
        TrailSealingModule,
        KeycloakFeedModule,
      ],
      providers: [AuditEventsIngestor, KeycloakEventsIngestor, ValidationThreads, IngestLifecycle],
    };
  }
}
