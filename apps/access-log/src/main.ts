import './instrument';
import { loadConfigOrExit } from '@meshtrail/config';
import { bootstrapService, runService } from '@meshtrail/observability';
import { AccessLogEnv } from './access-log.env';
import { AccessLogModule } from './access-log.module';

runService(async () => {
  const config = loadConfigOrExit('access-log', AccessLogEnv);
  await bootstrapService({
    service: 'access-log',
    module: AccessLogModule.register(config),
    config,
  });
});
