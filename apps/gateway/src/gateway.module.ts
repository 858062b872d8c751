import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@meshtrail/auth';
import { CoreModule } from '@meshtrail/runtime';
import { AccessLogsModule } from './access-logs/access-logs.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { authOptionsFrom } from './auth/auth-options';
import { DeadLettersAdminModule } from './dead-letters/dead-letters.module';
import { EventsModule } from './events/events.module';
import type { GatewayEnv } from './gateway.env';
import { ProofsModule } from './proofs/proofs.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RetentionAdminModule } from './retention-admin/retention-admin.module';
import { UiModule } from './ui/ui.module';

@Module({})
export class GatewayModule {
  static register(config: GatewayEnv): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CoreModule.register('gateway', config),
        AuthModule.register(authOptionsFrom(config)),
        RateLimitModule.register({ perMinute: config.API_RATE_LIMIT_PER_MINUTE, burst: config.API_RATE_LIMIT_BURST }),
        EventsModule.register(config),
        ProofsModule.register(config),
        ApiKeysModule,
        RetentionAdminModule,
        DeadLettersAdminModule,
        AccessLogsModule,
        UiModule.register({
          issuer: config.AUTH_OIDC_ISSUER,
          clientId: config.UI_OIDC_CLIENT_ID,
          scope: config.UI_OIDC_SCOPE,
          httpTimeoutMs: config.AUTH_IDP_TIMEOUT_MS,
        }),
      ],
    };
  }
}
