import { Module } from '@nestjs/common';
import { DeadLetterBurstIndicator, DeadLetterBurstWatch } from './dead-letter-burst';
import { DeadLetterQueue } from './dead-letter-queue';

/**
 * The DeadLetterQueue for a service's consumers. Needs the database and Kafka connections
 * (CoreModule provides them globally).
 */
@Module({
  providers: [DeadLetterQueue, DeadLetterBurstWatch, DeadLetterBurstIndicator],
  exports: [DeadLetterQueue, DeadLetterBurstIndicator],
})
export class DeadLettersModule {}
