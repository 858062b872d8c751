import { Module } from '@nestjs/common';
import { DeadLetterQueue } from './dead-letter-queue';

/**
 * The DeadLetterQueue for a service's consumers. Needs the database and Kafka connections
 * (CoreModule provides them globally).
 */
@Module({
  providers: [DeadLetterQueue],
  exports: [DeadLetterQueue],
})
export class DeadLettersModule {}
