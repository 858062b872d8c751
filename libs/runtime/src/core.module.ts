import { type DynamicModule, Module } from '@nestjs/common';
import type { ServiceEnv } from '@meshtrail/config';
import { DatabaseHealthIndicator, DatabaseModule } from '@meshtrail/database';
import { KafkaHealthIndicator, KafkaModule } from '@meshtrail/kafka';
import { HealthModule, MetricsController } from '@meshtrail/observability';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/**
 * What every meshtrail service has: its validated configuration, the database and broker
 * connections, the actuator health probes and /metrics. Feature modules come on top.
 */
@Module({})
export class CoreModule {
  static register(service: string, config: ServiceEnv): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        DatabaseModule.register({
          url: config.DATABASE_URL,
          poolMax: config.DATABASE_POOL_MAX,
          applicationName: service,
        }),
        KafkaModule.register({
          clientId: `meshtrail-${service}`,
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          connection: config,
        }),
        HealthModule.register({
          timeoutMs: config.HEALTH_TIMEOUT_MS,
          indicators: [DatabaseHealthIndicator, KafkaHealthIndicator],
        }),
      ],
      controllers: [MetricsController],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }
}
