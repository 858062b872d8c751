import { Injectable } from '@nestjs/common';
import type { ComponentHealth, HealthIndicator } from '@meshtrail/observability';
import { AccessLogCapture } from './access-log-capture';

/**
 * The `accessLog` health component: how full the stream's buffer is (records and bytes) and what
 * it dropped, and when last. It stays UP while dropping: the access line is on stdout whatever
 * happens to the stream, and the broker's own component says DOWN when it is the cause; a
 * replica taken out of service for it would only lose requests. Drops are also counted in
 * meshtrail_access_log_dropped_total and logged (Access Log Dropped).
 */
@Injectable()
export class AccessLogHealthIndicator implements HealthIndicator {
  readonly name = 'accessLog';

  constructor(private readonly capture: AccessLogCapture) {}

  check(): Promise<ComponentHealth> {
    const publisher = this.capture.publisher;
    return Promise.resolve({ status: 'UP', details: publisher ? publisher.state() : { enabled: false } });
  }
}
