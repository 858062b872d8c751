/** Anything that runs parameterised statements: a pg Pool, Client or checked-out PoolClient. */
export interface SqlRunner {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}
