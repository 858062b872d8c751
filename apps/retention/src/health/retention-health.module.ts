import { Module } from '@nestjs/common';
import { RetentionStatus } from '../enforcement/retention-status';
import { RetentionHealthIndicator } from './retention-health.indicator';

/** The retention status this replica keeps, and the health component that shows it. */
@Module({
  providers: [RetentionStatus, RetentionHealthIndicator],
  exports: [RetentionStatus, RetentionHealthIndicator],
})
export class RetentionHealthModule {}
