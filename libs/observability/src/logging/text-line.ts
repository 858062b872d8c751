import type { DestinationStream } from 'pino';
import { HEADER_KEYS } from './log-record';

const HEADER = new Set<string>(HEADER_KEYS);

function textValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * The platform's familiar service line, in UTC, from one JSON record:
 * `<timestamp> <level> <pid> --- [<thread>] <logger> : <message> key=value ...`
 * Line breaks inside the message or fields are escaped, so one record is always one line.
 */
export function formatText(record: Record<string, unknown>, thread = 'main'): string {
  const extras = Object.entries(record)
    .filter(([key]) => !HEADER.has(key))
    .map(([key, value]) => `${key}=${textValue(value)}`)
    .join(' ');
  const message = String(record.message ?? '');
  const text = extras ? `${message} ${extras}` : message;
  const line = `${String(record.timestamp)} ${String(record.level).padStart(5)} ${String(record.pid)} --- [${thread}] ${String(record.logger ?? 'Nest')} : ${text}`;
  return `${line.replace(/\r?\n/g, '\\n')}\n`;
}

/** A synchronous destination that turns each JSON line pino writes into the text line. */
export function textDestination(out: DestinationStream): DestinationStream {
  return { write: (line: string) => out.write(formatText(JSON.parse(line) as Record<string, unknown>)) };
}
