import { type DynamicModule, type ModuleMetadata, Module, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, type HealthOptions } from './health.options';
import { HealthService } from './health.service';
import { HEALTH_INDICATORS, type HealthIndicator } from './health.types';

export interface HealthModuleOptions extends HealthOptions {
  /** Modules that provide the indicators. */
  imports?: ModuleMetadata['imports'];
  indicators: Type<HealthIndicator>[];
}

@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      // terminus's own logger would log every failing probe, polled every few seconds, with its details
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        HealthService,
        { provide: HEALTH_OPTIONS, useValue: { timeoutMs: options.timeoutMs } satisfies HealthOptions },
        {
          provide: HEALTH_INDICATORS,
          useFactory: (...indicators: HealthIndicator[]) => indicators,
          inject: options.indicators,
        },
      ],
      exports: [HealthService],
    };
  }
}
