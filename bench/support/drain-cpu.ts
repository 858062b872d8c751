import { Client } from 'pg';
import { processCpuSeconds } from './process-cpu';

/** CPU seconds (user and system) the ingest processes and their PostgreSQL backends used in a drain. */
export interface DrainCpu {
  /** The audit-ingest processes, all their threads. */
  ingestSeconds: number;
  /** Their backends in the drained database (writers and projector), when PostgreSQL runs on this machine. */
  postgresSeconds?: number;
  backends: number;
}

/**
 * Measures what a drain costs in CPU rather than in wall-clock time, which other work on a shared
 * machine distorts: each ingest process's CPU time from /proc, and that of its database backends
 * (found by application_name in pg_stat_activity, read from /proc by pid), from start() to stop().
 * A backend that connects in between counts from zero.
 */
export class DrainCpuMeter {
  private constructor(
    private readonly sql: Client,
    private readonly applicationName: string,
    private readonly pids: number[],
    private readonly ingestAtStart: number[],
    private readonly backendsAtStart: Map<number, number | undefined>,
  ) {}

  static async start(databaseUrl: string, pids: number[], applicationName: string): Promise<DrainCpuMeter> {
    const sql = new Client({ connectionString: databaseUrl, application_name: 'meshtrail-bench-drain-cpu' });
    await sql.connect();
    const ingestAtStart = pids.map((pid) => processCpuSeconds(pid) ?? 0);
    const backendsAtStart = await backendCpu(sql, applicationName);
    return new DrainCpuMeter(sql, applicationName, pids, ingestAtStart, backendsAtStart);
  }

  async stop(): Promise<DrainCpu> {
    try {
      const ingestSeconds = this.pids.reduce(
        (sum, pid, index) => sum + (processCpuSeconds(pid) ?? 0) - this.ingestAtStart[index],
        0,
      );
      const backends = await backendCpu(this.sql, this.applicationName);
      let postgresSeconds: number | undefined = 0;
      for (const [pid, seconds] of backends) {
        if (seconds === undefined) postgresSeconds = undefined;
        else if (postgresSeconds !== undefined) postgresSeconds += seconds - (this.backendsAtStart.get(pid) ?? 0);
      }
      return { ingestSeconds, postgresSeconds, backends: backends.size };
    } finally {
      await this.sql.end();
    }
  }
}

async function backendCpu(sql: Client, applicationName: string): Promise<Map<number, number | undefined>> {
  const { rows } = await sql.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
    [applicationName],
  );
  return new Map(rows.map(({ pid }) => [pid, processCpuSeconds(pid)]));
}
