export interface DatabaseSettings {
  url: string;
  poolMax: number;
  /**
   * Size of the reserved pool (health checks, authentication): connections no other work can take.
   * 0 or absent: reserved() is the main pool.
   */
  reservedMax?: number;
  /** Shows in pg_stat_activity, so an operator sees which service holds a connection. */
  applicationName: string;
}

export type DatabaseModuleOptions = DatabaseSettings;
export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
