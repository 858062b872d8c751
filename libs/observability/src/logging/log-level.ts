import type { Level as PinoLevel } from 'pino';

export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export type LogFields = Record<string, unknown>;

/** LOG_LEVEL's lower-case name (`info`) as the level the logger API takes (`INFO`). */
export function logLevelFromName(name: string): Level {
  return name.toUpperCase() as Level;
}

/** The same level as pino names it (`info`). */
export function pinoLevel(level: Level): PinoLevel {
  return level.toLowerCase() as PinoLevel;
}
