import type { Logger } from 'pino';
import { type Level, type LogFields, pinoLevel } from './log-level';
import { rootLogger } from './root-logger';

/**
 * A named logger: a pino child logger whose `logger` key is the name. Functional messages use
 * stable, capitalised names ("Events Ingested") with their figures as fields, so dashboards can
 * count them. Loggers are often made before logging is configured; each follows the current root.
 */
export class AppLogger {
  private root?: Logger;
  private child?: Logger;

  constructor(readonly name: string) {}

  private logger(): Logger {
    const root = rootLogger();
    if (this.root !== root || !this.child) {
      this.root = root;
      this.child = root.child({ logger: this.name });
    }
    return this.child;
  }

  isEnabled(level: Level): boolean {
    return this.logger().isLevelEnabled(pinoLevel(level));
  }

  trace(message: string, fields?: LogFields): void {
    this.write('TRACE', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.write('DEBUG', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('WARN', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('ERROR', message, fields);
  }
  fatal(message: string, fields?: LogFields): void {
    this.write('FATAL', message, fields);
  }

  write(level: Level, message: string, fields?: LogFields): void {
    const logger = this.logger();
    const method = pinoLevel(level);
    if (!fields) {
      logger[method](message);
    } else if ('logger' in fields) {
      // the name is this logger's: a field of that name is kept under another key
      const { logger: field, ...rest } = fields;
      logger[method]({ ...rest, field_logger: field }, message);
    } else {
      logger[method](fields, message);
    }
  }
}
