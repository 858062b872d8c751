import { Module } from '@nestjs/common';
import { AccessLogStoreConsumer } from './access-log-store.consumer';
import { AccessLogRepository } from './access-log.repository';

/** access-logs.v1 into the access-log store. */
@Module({
  providers: [AccessLogRepository, AccessLogStoreConsumer],
  exports: [AccessLogStoreConsumer],
})
export class StoreModule {}
