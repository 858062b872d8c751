import { type DynamicModule, Module } from '@nestjs/common';
import type { TelemetryRelayEnv } from '../telemetry-relay.env';
import { RELAY_ENV, RelayRegistration } from './relay-registration';

/** The relay's standing with the operations center, for its sender and its health. */
@Module({})
export class RegistrationModule {
  static register(config: TelemetryRelayEnv): DynamicModule {
    return {
      module: RegistrationModule,
      providers: [{ provide: RELAY_ENV, useValue: config }, RelayRegistration],
      exports: [RelayRegistration],
    };
  }
}
