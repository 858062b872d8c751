import { type DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@meshtrail/runtime';
import type { GatewayEnv } from './gateway.env';

@Module({})
export class GatewayModule {
  static register(config: GatewayEnv): DynamicModule {
    return {
      module: GatewayModule,
      imports: [CoreModule.register('gateway', config)],
    };
  }
}
