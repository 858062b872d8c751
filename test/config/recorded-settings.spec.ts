import { envVariables, type ServiceEnv } from '@meshtrail/config';
import { isSecretSetting } from '@meshtrail/runtime';
import { AccessLogEnv } from '../../apps/access-log/src/access-log.env';
import { AuditIngestEnv } from '../../apps/audit-ingest/src/audit-ingest.env';
import { GatewayEnv } from '../../apps/gateway/src/gateway.env';
import { RetentionEnv } from '../../apps/retention/src/retention.env';
import { TelemetryRelayEnv } from '../../apps/telemetry-relay/src/telemetry-relay.env';

const SERVICES: Record<string, new () => ServiceEnv> = {
  gateway: GatewayEnv,
  'audit-ingest': AuditIngestEnv,
  'access-log': AccessLogEnv,
  'telemetry-relay': TelemetryRelayEnv,
  retention: RetentionEnv,
};

describe('the settings audit', () => {
  it.each(Object.entries(SERVICES))('records every variable %s reads, except the secrets', (_, envClass) => {
    const recorded = new Set(new envClass().recordedSettings());
    const forgotten = envVariables(envClass)
      .map((variable) => variable.name)
      .filter((name) => !recorded.has(name) && !isSecretSetting(name));
    // a new variable is recorded (add it to recordedSettings) or named as a secret
    expect(forgotten).toEqual([]);
  });
});
