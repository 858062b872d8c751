import { Module } from '@nestjs/common';
import { AccessLogSearchService } from './access-log-search.service';
import { AccessLogsController } from './access-logs.controller';

/** The admin-only access-log search (guarded by libs/auth: a platform admin's token or API key). */
@Module({ controllers: [AccessLogsController], providers: [AccessLogSearchService] })
export class AccessLogsModule {}
