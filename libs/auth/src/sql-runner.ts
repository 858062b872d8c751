/** What the auth stores need from the database: parameterised queries returning rows. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}
