import { type DynamicModule, Module } from '@nestjs/common';
import { DeadLetterBurstIndicator, DeadLettersModule } from '@meshtrail/dead-letters';
import { CONSUMING, CoreModule } from '@meshtrail/runtime';
import { AccessLogEnv } from './access-log.env';
import { SiemModule } from './siem/siem.module';
import { StoreModule } from './store/store.module';

/** Consumes access-logs.v1 into the access-log store and forwards to SIEM receivers. */
@Module({})
export class AccessLogModule {
  static register(config: AccessLogEnv): DynamicModule {
    return {
      module: AccessLogModule,
      global: true,
      imports: [
        CoreModule.register('access-log', config, {
          imports: [DeadLettersModule],
          indicators: [...CONSUMING.indicators, DeadLetterBurstIndicator],
        }),
        StoreModule,
        SiemModule,
      ],
      providers: [{ provide: AccessLogEnv, useValue: config }],
      exports: [AccessLogEnv],
    };
  }
}
