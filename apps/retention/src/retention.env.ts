import { ServiceEnv } from '@meshtrail/config';

/** The retention service's environment. */
export class RetentionEnv extends ServiceEnv {
  override PORT = 8084;
}
