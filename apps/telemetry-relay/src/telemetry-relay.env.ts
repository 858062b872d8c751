import { ServiceEnv } from '@meshtrail/config';

/** The telemetry-relay service's environment. */
export class TelemetryRelayEnv extends ServiceEnv {
  override PORT = 8083;
}
