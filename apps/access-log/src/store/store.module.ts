import { Module } from '@nestjs/common';
import { DeadLettersModule } from '@meshtrail/dead-letters';
import { AccessLogStoreConsumer } from './access-log-store.consumer';
import { AccessLogRepository } from './access-log.repository';

/** access-logs.v1 into the access-log store. */
@Module({
  imports: [DeadLettersModule],
  providers: [AccessLogRepository, AccessLogStoreConsumer],
  exports: [AccessLogStoreConsumer],
})
export class StoreModule {}
