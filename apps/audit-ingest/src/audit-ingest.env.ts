import { ServiceEnv } from '@meshtrail/config';

/** The audit-ingest service's environment. */
export class AuditIngestEnv extends ServiceEnv {
  override PORT = 8081;
}
