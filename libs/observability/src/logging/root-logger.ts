import pino, { type DestinationStream, type Logger } from 'pino';
import { type Level, pinoLevel } from './log-level';
import { isoTimestamp, recordFields } from './log-record';
import { textDestination } from './text-line';
import { traceContextFields } from './trace-context';

export interface LoggingOptions {
  service: string;
  level: Level;
  format: 'json' | 'text';
  /** Where lines go; stdout unless a test captures them. */
  write?: (line: string) => void;
}

/** Fields whose values never reach a log line (top level only: wildcard paths cost pino a deep walk of every line). */
const REDACTED = ['authorization', 'cookie', 'password', 'secret', 'token'];

let stdout: DestinationStream | undefined;

/** Synchronous writes: a line is on stdout before the call returns, so nothing is lost at exit. */
function stdoutDestination(): DestinationStream {
  stdout ??= pino.destination({ dest: 1, sync: true });
  return stdout;
}

function createRootLogger(options: LoggingOptions): Logger {
  const out: DestinationStream = options.write ? { write: options.write } : stdoutDestination();
  return pino(
    {
      level: pinoLevel(options.level),
      base: { service: options.service, pid: process.pid },
      messageKey: 'message',
      timestamp: isoTimestamp,
      formatters: { level: (label) => ({ level: label.toUpperCase() }), log: recordFields },
      mixin: traceContextFields,
      // the trace ids after the record's own fields (pino's default puts them first)
      mixinMergeStrategy: (fields, trace) => ({ ...fields, ...trace }),
      redact: REDACTED,
    },
    options.format === 'text' ? textDestination(out) : out,
  );
}

let root = createRootLogger({ service: 'meshtrail', level: 'INFO', format: 'json' });

/** Sets the process-wide logging options once at start (from the validated configuration). */
export function configureLogging(options: LoggingOptions): void {
  root = createRootLogger(options);
}

/** The process's pino logger as last configured; loggers made before that follow it. */
export function rootLogger(): Logger {
  return root;
}
