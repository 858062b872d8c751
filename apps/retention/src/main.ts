import './instrument';
import { loadConfigOrExit } from '@meshtrail/config';
import { bootstrapService, runService } from '@meshtrail/observability';
import { RetentionEnv } from './retention.env';
import { RetentionModule } from './retention.module';
import { RetentionScheduler } from './schedule/retention.scheduler';

runService(async () => {
  const config = loadConfigOrExit('retention', RetentionEnv);
  await bootstrapService({
    service: 'retention',
    module: RetentionModule.register(config),
    config,
    afterListen: async (app) => {
      app.get(RetentionScheduler).start();
    },
  });
});
