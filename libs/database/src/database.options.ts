export interface DatabaseSettings {
  url: string;
  poolMax: number;
  /** Shows in pg_stat_activity, so an operator sees which service holds a connection. */
  applicationName: string;
}

export type DatabaseModuleOptions = DatabaseSettings;
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
