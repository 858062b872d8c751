import { Module } from '@nestjs/common';
import { AccessLogSearchService } from './access-log-search.service';
import { AccessLogsController } from './access-logs.controller';

/**
 * The admin-only access-log search. Deliberately not imported by GatewayModule yet: it must be
 * guarded as admin-only with libs/auth first (issue 4).
 */
@Module({ controllers: [AccessLogsController], providers: [AccessLogSearchService] })
export class AccessLogsModule {}
