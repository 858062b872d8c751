import { type DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@meshtrail/runtime';
import type { AccessLogEnv } from './access-log.env';
import { StoreModule } from './store/store.module';

/** Consumes access-logs.v1 into the access-log store and forwards to SIEM receivers. */
@Module({})
export class AccessLogModule {
  static register(config: AccessLogEnv): DynamicModule {
    return {
      module: AccessLogModule,
      imports: [CoreModule.register('access-log', config), StoreModule],
    };
  }
}
