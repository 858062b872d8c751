export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface LogRecord {
  timestamp: Date;
  level: Level;
  service: string;
  logger: string;
  message: string;
  fields?: LogFields;
}

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** Errors become plain data ({name, message, stack}) so JSON.stringify keeps them. */
export function serialiseFields(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return undefined;
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}
