import { type DynamicModule, Module } from '@nestjs/common';
import { DeadLetterBurstIndicator, DeadLettersModule } from '@meshtrail/dead-letters';
import { CoreModule } from '@meshtrail/runtime';
import { ConsumerHealthIndicator } from '@meshtrail/kafka';
import { CLOCK, systemClock } from './clock';
import { RetentionCommandConsumer } from './commands/retention-command.consumer';
import { RetentionAuditPublisher } from './enforcement/audit-publisher.provider';
import { RetentionEnforcer } from './enforcement/retention-enforcer';
import { RetentionMetrics } from './enforcement/retention.metrics';
import { RetentionHealthIndicator } from './health/retention-health.indicator';
import { RetentionHealthModule } from './health/retention-health.module';
import type { RetentionEnv } from './retention.env';
import { RetentionScheduler } from './schedule/retention.scheduler';

/** Deletes data past its retention, on a schedule and on demand, and records what it deleted. */
@Module({})
export class RetentionModule {
  static register(config: RetentionEnv): DynamicModule {
    return {
      module: RetentionModule,
      imports: [
        CoreModule.register('retention', config, {
          imports: [RetentionHealthModule, DeadLettersModule],
          indicators: [ConsumerHealthIndicator, RetentionHealthIndicator, DeadLetterBurstIndicator],
        }),
        RetentionHealthModule,
        DeadLettersModule,
      ],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        RetentionAuditPublisher,
        RetentionMetrics,
        RetentionEnforcer,
        RetentionScheduler,
        RetentionCommandConsumer,
      ],
    };
  }
}
