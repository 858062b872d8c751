import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@meshtrail/auth';
import { CoreModule } from '@meshtrail/runtime';
import { AccessLogsModule } from './access-logs/access-logs.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApiErrorFilter } from './common/api-error.filter';
import { authOptionsFrom } from './auth/auth-options';
import { DeadLettersAdminModule } from './dead-letters/dead-letters.module';
import { EventsModule } from './events/events.module';
import { MeModule } from './me/me.module';
import type { GatewayEnv } from './gateway.env';
import { ProofsModule } from './proofs/proofs.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { readLimitsOf } from './read-limits/read-limits-of';
import { ReadLimitsModule } from './read-limits/read-limits.module';
import { RetentionAdminModule } from './retention-admin/retention-admin.module';
import { TelemetryAdminModule } from './telemetry-admin/telemetry-admin.module';
import { UiModule } from './ui/ui.module';
import { WorkspacesModule } from './workspaces/workspaces.module';

@Module({})
export class GatewayModule {
  static register(config: GatewayEnv): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CoreModule.register('gateway', config),
        AuthModule.register(authOptionsFrom(config)),
        RateLimitModule.register(
          { perMinute: config.API_RATE_LIMIT_PER_MINUTE, burst: config.API_RATE_LIMIT_BURST },
          {
            requests: {
              perMinute: config.API_RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
              burst: config.API_RATE_LIMIT_PER_ADDRESS_BURST,
            },
            failuresPerMinute: config.AUTH_FAILURES_PER_ADDRESS_PER_MINUTE,
            trustedProxies: config.ACCESS_LOG_TRUSTED_PROXIES,
          },
        ),
        ReadLimitsModule.register(...readLimitsOf(config)),
        EventsModule.register(config),
        WorkspacesModule,
        ProofsModule.register(config),
        ApiKeysModule,
        RetentionAdminModule,
        DeadLettersAdminModule,
        AccessLogsModule,
        MeModule,
        TelemetryAdminModule,
        UiModule.register({
          issuer: config.AUTH_OIDC_ISSUER,
          clientId: config.UI_OIDC_CLIENT_ID,
          scope: config.UI_OIDC_SCOPE,
          httpTimeoutMs: config.AUTH_IDP_TIMEOUT_MS,
        }),
      ],
      // Retry-After on every API error that says how long to wait; the 400s before routing named
      providers: [{ provide: APP_FILTER, useClass: ApiErrorFilter }],
    };
  }
}
