import './instrument';
import { loadConfigOrExit } from '@meshtrail/config';
import { bootstrapService, runService } from '@meshtrail/observability';
import { setupApiDocs } from './docs/api-docs';
import { GatewayEnv } from './gateway.env';
import { GatewayModule } from './gateway.module';

runService(async () => {
  const config = loadConfigOrExit('gateway', GatewayEnv);
  await bootstrapService({
    service: 'gateway',
    module: GatewayModule.register(config),
    config,
    beforeListen: (app) => setupApiDocs(app),
  });
});
