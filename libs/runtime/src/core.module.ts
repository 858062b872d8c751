import { type DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import type { ServiceEnv } from '@meshtrail/config';
import { DatabaseHealthIndicator, DatabaseModule } from '@meshtrail/database';
import { ConsumerHealthIndicator, KafkaHealthIndicator, KafkaModule } from '@meshtrail/kafka';
import {
  GLOBAL_HTTP_MIDDLEWARE,
  HealthModule,
  MetricsController,
  VersionController,
  type HealthIndicator,
} from '@meshtrail/observability';
import { AccessLogCapture } from './access-log-capture';
import { AccessLogHealthIndicator } from './access-log-health.indicator';
import { SettingsRecorder } from './settings/settings.recorder';
import { TELEMETRY_PUBLISHER_OPTIONS, TelemetryPublisher } from './telemetry-publisher';
import { SERVICE_CONFIG, SERVICE_NAME } from './tokens';

export { SERVICE_CONFIG } from './tokens';

/**
 * A service's own health components beside db and kafka, and the modules that provide them
 * (a consuming service lists ConsumerHealthIndicator, which KafkaModule provides).
 */
export interface ExtraHealth {
  imports: ModuleMetadata['imports'];
  indicators: Type<HealthIndicator>[];
}

/**
 * What every meshtrail service has: its validated configuration, the database and broker
 * connections, the actuator health probes, /version, /metrics (HTTP request metrics come from
 * the OpenTelemetry HTTP instrumentation), its metrics pushed to telemetry.otlp.v1, the access
 * log of every request, and the settings audit (its non-secret settings recorded at start). Feature modules come on top.
 */
/** The health a service that consumes Kafka adds: the `consumers` component. */
export const CONSUMING: ExtraHealth = { imports: [], indicators: [ConsumerHealthIndicator] };

@Module({})
export class CoreModule {
  static register(service: string, config: ServiceEnv, health?: ExtraHealth): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        DatabaseModule.register({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          reservedMax: config.DATABASE_POOL_RESERVED,
          applicationName: service,
        }),
        KafkaModule.register({
          clientId: `meshtrail-${service}`,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          connection: config,
          consumers: {
            stallMs: config.KAFKA_CONSUMER_STALL_SECONDS * 1000,
            lagIntervalMs: config.KAFKA_CONSUMER_LAG_INTERVAL_MS,
          },
        }),
        HealthModule.register({
          timeoutMs: config.HEALTH_TIMEOUT_MS,
          imports: health?.imports,
          indicators: [
            DatabaseHealthIndicator,
            KafkaHealthIndicator,
            AccessLogHealthIndicator,
            SettingsRecorder,
            ...(health?.indicators ?? []),
          ],
        }),
      ],
      controllers: [MetricsController, VersionController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: SERVICE_NAME, useValue: service },
        {
          provide: TELEMETRY_PUBLISHER_OPTIONS,
          useValue: { service, intervalMs: config.TELEMETRY_EXPORT_INTERVAL_MS },
        },
        TelemetryPublisher,
        AccessLogCapture,
        AccessLogHealthIndicator,
        SettingsRecorder,
        {
          provide: GLOBAL_HTTP_MIDDLEWARE,
          useFactory: (capture: AccessLogCapture) => (capture.middleware ? [capture.middleware] : []),
          inject: [AccessLogCapture],
        },
      ],
      exports: [SERVICE_CONFIG, SERVICE_NAME, AccessLogCapture, AccessLogHealthIndicator, SettingsRecorder],
    };
  }
}
