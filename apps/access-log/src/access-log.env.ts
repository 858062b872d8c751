import { ServiceEnv } from '@meshtrail/config';

/** The access-log service's environment. */
export class AccessLogEnv extends ServiceEnv {
  override PORT = 8082;
}
