import './instrument';
import { loadConfigOrExit } from '@meshtrail/config';
import { bootstrapService, runService } from '@meshtrail/observability';
import { AccessLogEnv } from './access-log.env';
import { AccessLogModule } from './access-log.module';
import { SiemForwarding } from './siem/siem-forwarding';
import { AccessLogStoreConsumer } from './store/access-log-store.consumer';

runService(async () => {
  const config = loadConfigOrExit('access-log', AccessLogEnv);
  await bootstrapService({
    service: 'access-log',
    module: AccessLogModule.register(config),
    config,
    afterListen: async (app) => {
      await app.get(AccessLogStoreConsumer).start();
      await app.get(SiemForwarding).start();
    },
  });
});
