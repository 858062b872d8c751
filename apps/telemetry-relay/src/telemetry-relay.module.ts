import { type DynamicModule, Module } from '@nestjs/common';
import { DeadLetterBurstIndicator, DeadLettersModule } from '@meshtrail/dead-letters';
import { CONSUMING, CoreModule } from '@meshtrail/runtime';
import { CatalogueController } from './catalogue/catalogue.controller';
import { RegistrationModule } from './registration/registration.module';
import { RelayRegistration } from './registration/relay-registration';
import type { TelemetryRelayEnv } from './telemetry-relay.env';
import { RELAY_CONFIG, TelemetryRelayService } from './telemetry-relay.service';
import { TransmissionLog } from './transmission/transmission-log';

/** Relays telemetry.otlp.v1 and usage.events.v1 to the central operations center. */
@Module({})
export class TelemetryRelayModule {
  static register(config: TelemetryRelayEnv): DynamicModule {
    const registration = RegistrationModule.register(config);
    return {
      module: TelemetryRelayModule,
      imports: [
        CoreModule.register('telemetry-relay', config, {
          imports: [DeadLettersModule, registration],
          indicators: [...CONSUMING.indicators, DeadLetterBurstIndicator, RelayRegistration],
        }),
        DeadLettersModule,
        registration,
      ],
      controllers: [CatalogueController],
      providers: [{ provide: RELAY_CONFIG, useValue: config }, TransmissionLog, TelemetryRelayService],
    };
  }
}
