import { Module } from '@nestjs/common';
import { RetentionAdminController } from './retention-admin.controller';
import { RetentionAdminService } from './retention-admin.service';

/** /api/v1/admin/retention/runs and /api/v1/admin/legal-holds, for platform admins. */
@Module({
  controllers: [RetentionAdminController],
  providers: [RetentionAdminService],
})
export class RetentionAdminModule {}
