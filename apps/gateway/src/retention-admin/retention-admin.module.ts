import { Module } from '@nestjs/common';
import { AdminPrincipalGuard } from './admin-principal.guard';
import { RetentionAdminController } from './retention-admin.controller';
import { RetentionAdminService } from './retention-admin.service';

/** POST/GET /api/v1/admin/retention/runs and /api/v1/admin/legal-holds, for platform admins. */
@Module({
  controllers: [RetentionAdminController],
  providers: [RetentionAdminService, AdminPrincipalGuard],
})
export class RetentionAdminModule {}
