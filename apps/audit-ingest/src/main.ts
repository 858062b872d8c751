import './instrument';
import { loadConfigOrExit } from '@meshtrail/config';
import { bootstrapService, runService } from '@meshtrail/observability';
import { AuditIngestEnv } from './audit-ingest.env';
import { AuditIngestModule } from './audit-ingest.module';

runService(async () => {
  const config = loadConfigOrExit('audit-ingest', AuditIngestEnv);
  await bootstrapService({
    service: 'audit-ingest',
    module: AuditIngestModule.register(config),
    config,
  });
});
