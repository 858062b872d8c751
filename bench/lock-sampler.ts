import { Client } from 'pg';

/** One continuous hold of a relation lock by one transaction, as seen from outside. */
export interface ObservedHold {
  relation: string;
  mode: string;
  ms: number;
}

/**
 * Watches, from a second connection, which relation locks a backend holds: samples pg_locks
 * every few milliseconds and measures how long each transaction held each lock. Locks held for
 * less than one sampling interval may go unseen; the figures are accurate to about an interval.
 */
export class LockSampler {
  private readonly open = new Map<string, { relation: string; mode: string; since: number }>();
  readonly holds: ObservedHold[] = [];
  private running = false;
  private loop?: Promise<void>;
  samples = 0;

  private constructor(
    private readonly sql: Client,
    private readonly pid: number,
    private readonly intervalMs: number,
  ) {}

  static async start(databaseUrl: string, pid: number, intervalMs = 5): Promise<LockSampler> {
    const sql = new Client({ connectionString: databaseUrl, application_name: 'meshtrail-bench-lock-sampler' });
    await sql.connect();
    const sampler = new LockSampler(sql, pid, intervalMs);
    sampler.running = true;
    sampler.loop = sampler.run();
    return sampler;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const { rows } = await this.sql.query<{ relation: string; mode: string; vxid: string }>(
        // a lock on an index counts as one on its table
        `SELECT coalesce(i.indrelid, l.relation)::regclass::text AS relation, l.mode, l.virtualtransaction AS vxid
           FROM pg_locks l LEFT JOIN pg_index i ON i.indexrelid = l.relation
          WHERE l.pid = $1 AND l.locktype = 'relation' AND l.granted
            AND l.mode IN ('AccessExclusiveLock', 'ExclusiveLock', 'ShareRowExclusiveLock', 'RowExclusiveLock')`,
        [this.pid],
      );
      const now = performance.now();
      this.samples += 1;
      const seen = new Set<string>();
      for (const row of rows) {
        const key = `${row.vxid}|${row.relation}|${row.mode}`;
        seen.add(key);
        if (!this.open.has(key)) this.open.set(key, { relation: row.relation, mode: row.mode, since: now });
      }
      for (const [key, hold] of this.open) {
        if (!seen.has(key)) {
          this.holds.push({ relation: hold.relation, mode: hold.mode, ms: now - hold.since });
          this.open.delete(key);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  async stop(): Promise<ObservedHold[]> {
    this.running = false;
    await this.loop;
    const now = performance.now();
    for (const hold of this.open.values())
      this.holds.push({ relation: hold.relation, mode: hold.mode, ms: now - hold.since });
    this.open.clear();
    await this.sql.end();
    return this.holds;
  }
}
