import { type DynamicModule, Module } from '@nestjs/common';
import { CoreModule } from '@meshtrail/runtime';
import type { RetentionEnv } from './retention.env';

/** Deletes data past its retention and records what it deleted. */
@Module({})
export class RetentionModule {
  static register(config: RetentionEnv): DynamicModule {
    return {
      module: RetentionModule,
      imports: [CoreModule.register('retention', config)],
    };
  }
}
