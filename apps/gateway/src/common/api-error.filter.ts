import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { ApiError } from '@meshtrail/auth';
import { invalidParameter } from './invalid-parameter';

/**
 * The 400s that Express and the body parser raise before any controller runs, in the API's
 * shape, naming what was wrong: a path whose percent-encoding is not UTF-8, a body that is not
 * JSON. Undefined for every other error.
 */
function beforeRouting(exception: HttpException): ApiError | undefined {
  if (exception instanceof ApiError || exception.getStatus() !== 400) return undefined;
  const message = String((exception.getResponse() as { message?: unknown }).message ?? exception.message);
  if (message.startsWith('Failed to decode param')) {
    return invalidParameter('path', 'is not valid percent-encoded UTF-8');
  }
  if (/JSON|Unexpected token|Unexpected end/i.test(message)) return invalidParameter('body', 'is not valid JSON');
  return undefined;
}

/**
 * The gateway's API errors, as Nest writes them, with two additions: one that tells how long to
 * wait (`retryAfterSeconds`: rate limits, busy heavy reads) also says so in Retry-After (RFC 9110,
 * 10.2.3), wherever it was thrown; and the 400s raised before routing name their parameter like
 * every other 400.
 */
@Catch(HttpException)
export class ApiErrorFilter extends BaseExceptionFilter {
  override catch(exception: HttpException, host: ArgumentsHost): void {
    const error = beforeRouting(exception) ?? exception;
    const response = host
      .switchToHttp()
      .getResponse<{ headersSent: boolean; setHeader(name: string, value: string): void }>();
    const seconds = (error.getResponse() as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof seconds === 'number' && !response.headersSent) response.setHeader('Retry-After', String(seconds));
    super.catch(error, host);
  }
}
