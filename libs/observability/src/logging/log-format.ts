import { type LogRecord, serialiseFields } from './log-record';

const RESERVED = new Set(['timestamp', 'level', 'service', 'logger', 'message', 'pid']);

/** One JSON object per line: the reserved keys first, then the record's own fields. */
export function formatJson(record: LogRecord, pid = process.pid): string {
  const fields = serialiseFields(record.fields) ?? {};
  const base: Record<string, unknown> = {
    timestamp: record.timestamp.toISOString(),
    level: record.level,
    service: record.service,
    logger: record.logger,
    message: record.message,
    pid,
  };
  for (const [key, value] of Object.entries(fields)) {
    base[RESERVED.has(key) ? `field_${key}` : key] = value;
  }
  return `${JSON.stringify(base)}\n`;
}

function textValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The platform's familiar service line, in UTC:
 * `<timestamp> <level> <pid> --- [<thread>] <logger> : <message> key=value ...`
 * Line breaks inside the message or fields are escaped, so one record is always one line.
 */
export function formatText(record: LogRecord, pid = process.pid, thread = 'main'): string {
  const fields = serialiseFields(record.fields) ?? {};
  const extras = Object.entries(fields)
    .map(([key, value]) => `${key}=${textValue(value)}`)
    .join(' ');
  const message = extras ? `${record.message} ${extras}` : record.message;
  const line = `${record.timestamp.toISOString()} ${record.level.padStart(5)} ${pid} --- [${thread}] ${record.logger} : ${message}`;
  return `${line.replace(/\r?\n/g, '\\n')}\n`;
}
