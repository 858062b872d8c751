export const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];

export type LogFields = Record<string, unknown>;

/** LOG_LEVEL's lower-case name (`info`) as the level the logger API takes (`INFO`). */
export function logLevelFromName(name: string): Level {
  return name.toUpperCase() as Level;
}

/** The same level as pino names it (`info`). */
export function pinoLevel(level: Level): 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' {
  return level.toLowerCase() as ReturnType<typeof pinoLevel>;
}
