import type { LoggerService } from '@nestjs/common';
import { AppLogger } from './app-logger';
import type { Level } from './log-record';

/** Nest's start-up chatter (one line per module and route) belongs at DEBUG, not INFO. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Routes Nest's own log calls (bootstrap, router, exceptions) into the structured logger. */
export class NestLoggerAdapter implements LoggerService {
  private readonly loggers = new Map<string, AppLogger>();

  log(message: unknown, ...params: unknown[]): void {
    this.emit('INFO', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('ERROR', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('WARN', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('DEBUG', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('TRACE', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('FATAL', message, params);
  }

  private emit(level: Level, message: unknown, params: unknown[]): void {
    // Nest passes the context last; for errors a stack trace may come before it.
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : 'Nest';
    const stack = typeof params[0] === 'string' ? (params[0] as string) : undefined;
    if (level === 'INFO' && STARTUP_CONTEXTS.has(context)) level = 'DEBUG';
    let logger = this.loggers.get(context);
    if (!logger) {
      logger = new AppLogger(context);
      this.loggers.set(context, logger);
    }
    if (message instanceof Error) logger.write(level, message.message, { error: message });
    else if (typeof message === 'object' && message !== null) logger.write(level, 'Nest Message', { detail: message });
    else logger.write(level, String(message), stack ? { stack } : undefined);
  }
}
