import './instrument';
import { loadConfigOrExit } from '@meshtrail/config';
import { bootstrapService, runService } from '@meshtrail/observability';
import { TelemetryRelayEnv } from './telemetry-relay.env';
import { TelemetryRelayModule } from './telemetry-relay.module';

runService(async () => {
  const config = loadConfigOrExit('telemetry-relay', TelemetryRelayEnv);
  await bootstrapService({ service: 'telemetry-relay', module: TelemetryRelayModule.register(config), config });
});
