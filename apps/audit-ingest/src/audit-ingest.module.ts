import { type DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@meshtrail/runtime';
import type { AuditIngestEnv } from './audit-ingest.env';

/** Consumes audit.events.v1 and keycloak.events.raw.v1 into the append-only event store. */
@Module({})
export class AuditIngestModule {
  static register(config: AuditIngestEnv): DynamicModule {
    return {
      module: AuditIngestModule,
      imports: [CoreModule.register('audit-ingest', config)],
    };
  }
}
