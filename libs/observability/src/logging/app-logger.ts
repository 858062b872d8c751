import { formatJson, formatText } from './log-format';
import { type Level, type LogFields, levelRank } from './log-record';

export interface LoggingOptions {
  service: string;
  level: Level;
  format: 'json' | 'text';
  /** Where lines go; stdout unless a test captures them. */
  write?: (line: string) => void;
}

const state: Required<LoggingOptions> = {
  service: 'meshtrail',
  level: 'INFO',
  format: 'json',
  write: (line) => process.stdout.write(line),
};

/** Sets the process-wide logging options once at start (from the validated configuration). */
export function configureLogging(options: LoggingOptions): void {
  state.service = options.service;
  state.level = options.level;
  state.format = options.format;
  state.write = options.write ?? ((line) => process.stdout.write(line));
}

export function logLevelFromName(name: string): Level {
  return name.toUpperCase() as Level;
}

/**
 * A named logger writing structured lines to stdout. Functional messages use stable, capitalised
 * names ("Events Ingested") with their figures as fields, so dashboards can count them.
 */
export class AppLogger {
  constructor(readonly name: string) {}

  isEnabled(level: Level): boolean {
    return levelRank(level) >= levelRank(state.level);
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
    if (!this.isEnabled(level)) return;
    const record = { timestamp: new Date(), level, service: state.service, logger: this.name, message, fields };
    state.write(state.format === 'text' ? formatText(record) : formatJson(record));
  }
}
