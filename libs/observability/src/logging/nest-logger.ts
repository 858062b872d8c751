import { Logger, PinoLogger, type Params } from 'nestjs-pino';
import { rootLogger } from './root-logger';

/** Nest's start-up chatter (one line per module and route) belongs at DEBUG, not INFO. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** nestjs-pino's logger for Nest's own lines (bootstrap, router, exceptions), start-up chatter demoted. */
class NestLogger extends Logger {
  override log(message: unknown, ...params: unknown[]): void {
    if (STARTUP_CONTEXTS.has(params[params.length - 1] as string)) this.debug(message, ...params);
    else super.log(message, ...params);
  }
}

/**
 * Nest's logger, writing through the configured root logger with Nest's context as `logger`.
 * nestjs-pino's request middleware (pino-http) is not mounted: the access line already records
 * each request, and trace_id/span_id join the lines written while serving it.
 */
export function createNestLogger(): Logger {
  const params: Params = { pinoHttp: { logger: rootLogger() }, renameContext: 'logger' };
  return new NestLogger(new PinoLogger(params), params);
}
