import { type ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { ApiError } from '@meshtrail/auth';

/**
 * An API error that tells how long to wait (`retryAfterSeconds`: rate limits, busy heavy reads)
 * also says so in Retry-After (RFC 9110, 10.2.3), wherever it was thrown; the body is Nest's as
 * ever.
 */
@Catch(ApiError)
export class RetryAfterFilter extends BaseExceptionFilter {
  override catch(exception: ApiError, host: ArgumentsHost): void {
    const response = host
      .switchToHttp()
      .getResponse<{ headersSent: boolean; setHeader(name: string, value: string): void }>();
    const seconds = (exception.getResponse() as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof seconds === 'number' && !response.headersSent) response.setHeader('Retry-After', String(seconds));
    super.catch(exception, host);
  }
}
