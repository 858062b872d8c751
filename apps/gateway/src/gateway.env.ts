import { ServiceEnv } from '@meshtrail/config';

/** The gateway's environment: the common service variables; feature variables join as features land. */
export class GatewayEnv extends ServiceEnv {
  override PORT = 8080;
}
