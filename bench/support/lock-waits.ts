import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import { processCpuSeconds } from './process-cpu';

/** What a backend of the watched service was doing when sampled. */
export type BackendRole = 'writer' | 'projector' | 'other';

interface SampledLock {
  locktype: string;
  mode: string;
  granted: boolean;
  /** An advisory lock's bigint key. */
  key: string | null;
  relation: string | null;
}

interface SampledBackend {
  pid: number;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query: string;
  blocked_by: number[] | null;
  locks: SampledLock[];
}

export interface LockWaitReport {
  samples: number;
  intervalMs: number;
  /** Wall time the sampling queries took, in total, and the span sampled. */
  queryMs: number;
  spanMs: number;
  /** CPU time the sampler's backend used, when PostgreSQL runs on this machine. */
  backendCpuSeconds?: number;
  /** Samples in which at least one backend of the role waited on a heavyweight lock. */
  samplesWaiting: Record<BackendRole, number>;
  /** Backend-samples waiting on a heavyweight lock: waiter role, the lock, and who held it (`held by a writer`). */
  waits: Array<{ waiter: BackendRole; lock: string; holder: string; count: number }>;
  /** Advisory locks seen held: in how many samples, and by which roles. */
  advisory: Array<{ key: string; samples: number; holders: BackendRole[] }>;
  /** What writer backends inside a transaction were doing, in backend-samples: `running`, a wait event, or waiting for the service. */
  writerActivity: Array<{ activity: string; count: number }>;
}

/**
 * One statement per sample: the service's backends in this database, what they wait on, who
 * blocks them (asked only of a backend waiting on a lock: pg_blocking_pids is not free) and their
 * advisory and ungranted locks. The lock table is read once per sample.
 */
const SAMPLE_SQL = `
  WITH backends AS MATERIALIZED (
    SELECT pid, state, wait_event_type, wait_event, left(query, 160) AS query
    FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1),
  locks AS MATERIALIZED (
    SELECT pid, locktype, mode, granted, relation::regclass::text AS relation,
           CASE WHEN locktype = 'advisory' THEN ((classid::bigint << 32) | objid::bigint)::text END AS key
    FROM pg_locks WHERE pid IN (SELECT pid FROM backends) AND (locktype = 'advisory' OR NOT granted))
  SELECT b.*, CASE WHEN b.wait_event_type = 'Lock' THEN pg_blocking_pids(b.pid) END AS blocked_by,
         coalesce((SELECT json_agg(l) FROM locks l WHERE l.pid = b.pid), '[]'::json) AS locks
  FROM backends b`;

const PROJECTOR_STATEMENT = /audit_event_search|projection_positions|pg_try_advisory_xact_lock/;
const WRITER_STATEMENT = /audit_event_ids|COPY audit_events/;
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SET LOCAL ROLE)/i;

/** How a lock's holder is named in the report. */
const HOLDERS: Record<BackendRole, string> = {
  writer: 'a writer',
  projector: 'the projector',
  other: 'another statement',
};
/** A waiter whose lock was released before pg_blocking_pids named who held it. */
const GONE = 'released before its holder was named';

const bump = <K>(counts: Map<K, number>, key: K) => counts.set(key, (counts.get(key) ?? 0) + 1);

/**
 * Samples, from one connection of its own, the heavyweight lock waits of one service's database
 * backends (by application_name) every `intervalMs`: who waits on which lock and whose it is,
 * which advisory locks are held and by whom. A backend's role comes from its statement: the
 * projector's (or the holder of the projector's lock), a writer's (the id registry, the COPY into
 * audit_events), or other; between statements of a transaction it keeps its last role.
 */
export class LockWaitSampler {
  private running = true;
  private readonly loop: Promise<void>;
  private readonly lastRole = new Map<number, BackendRole>();
  private samples = 0;
  private queryMs = 0;
  private readonly started = performance.now();
  private readonly samplesWaiting: Record<BackendRole, number> = { writer: 0, projector: 0, other: 0 };
  private readonly waits = new Map<string, number>();
  private readonly advisory = new Map<string, { samples: number; holders: Set<BackendRole> }>();
  private readonly writerActivity = new Map<string, number>();

  private constructor(
    private readonly sql: Client,
    private readonly backend: { pid: number; cpuSeconds?: number },
    private readonly applicationName: string,
    private readonly projectorLock: string,
    private readonly intervalMs: number,
  ) {
    this.loop = this.run();
  }

  static async start(
    databaseUrl: string,
    options: { applicationName: string; projectorLock: number; intervalMs: number },
  ): Promise<LockWaitSampler> {
    const sql = new Client({ connectionString: databaseUrl, application_name: 'meshtrail-bench-lock-waits' });
    await sql.connect();
    const [{ pid }] = (await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const backend = { pid, cpuSeconds: processCpuSeconds(pid) };
    return new LockWaitSampler(
      sql,
      backend,
      options.applicationName,
      String(options.projectorLock),
      options.intervalMs,
    );
  }

  private async run(): Promise<void> {
    while (this.running) {
      const began = performance.now();
      // prepared once: each sample only executes
      const { rows } = await this.sql.query<SampledBackend>({
        name: 'bench-lock-waits',
        text: SAMPLE_SQL,
        values: [this.applicationName],
      });
      const took = performance.now() - began;
      this.queryMs += took;
      this.record(rows);
      await delay(Math.max(0, this.intervalMs - took));
    }
  }

  private roleOf(backend: SampledBackend): BackendRole {
    const holdsProjectorLock = backend.locks.some((l) => l.granted && l.key === this.projectorLock);
    const role: BackendRole =
      holdsProjectorLock || PROJECTOR_STATEMENT.test(backend.query)
        ? 'projector'
        : WRITER_STATEMENT.test(backend.query)
          ? 'writer'
          : TRANSACTION_CONTROL.test(backend.query)
            ? (this.lastRole.get(backend.pid) ?? 'other')
            : 'other';
    this.lastRole.set(backend.pid, role);
    return role;
  }

  private record(backends: SampledBackend[]): void {
    this.samples++;
    const roles = new Map(backends.map((b) => [b.pid, this.roleOf(b)]));
    const waitingRoles = new Set<BackendRole>();
    const advisoryRoles = new Map<string, Set<BackendRole>>();
    for (const backend of backends) {
      const role = roles.get(backend.pid)!;
      for (const lock of backend.locks) {
        if (lock.locktype === 'advisory' && lock.granted) {
          const holders = advisoryRoles.get(lock.key!) ?? new Set<BackendRole>();
          advisoryRoles.set(lock.key!, holders.add(role));
        }
      }
      if (backend.wait_event_type === 'Lock') {
        waitingRoles.add(role);
        const wanted = backend.locks.find((l) => !l.granted);
        const lock = wanted
          ? `${wanted.locktype} ${wanted.mode}${wanted.relation ? ` on ${wanted.relation}` : ''}`
          : (backend.wait_event ?? '?');
        const holders = (backend.blocked_by ?? []).map((pid) => {
          const holder = roles.get(pid);
          return holder ? HOLDERS[holder] : 'a backend outside the service';
        });
        const names = [...new Set(holders)].sort();
        bump(this.waits, JSON.stringify([role, lock, names.length > 0 ? `held by ${names.join(' and ')}` : GONE]));
      }
      if (role === 'writer' && backend.state !== 'idle') {
        const activity =
          backend.state !== 'active'
            ? `${backend.state} (waiting for the service)`
            : backend.wait_event_type
              ? `${backend.wait_event_type}:${backend.wait_event}`
              : 'running';
        bump(this.writerActivity, activity);
      }
    }
    for (const role of waitingRoles) this.samplesWaiting[role]++;
    for (const [key, holders] of advisoryRoles) {
      const seen = this.advisory.get(key) ?? { samples: 0, holders: new Set<BackendRole>() };
      seen.samples++;
      holders.forEach((role) => seen.holders.add(role));
      this.advisory.set(key, seen);
    }
  }

  async stop(): Promise<LockWaitReport> {
    this.running = false;
    await this.loop;
    const cpuSeconds = processCpuSeconds(this.backend.pid);
    await this.sql.end();
    const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
    return {
      samples: this.samples,
      intervalMs: this.intervalMs,
      queryMs: this.queryMs,
      spanMs: performance.now() - this.started,
      backendCpuSeconds:
        cpuSeconds !== undefined && this.backend.cpuSeconds !== undefined
          ? cpuSeconds - this.backend.cpuSeconds
          : undefined,
      samplesWaiting: { ...this.samplesWaiting },
      waits: [...this.waits]
        .map(([key, count]) => {
          const [waiter, lock, holder] = JSON.parse(key) as [BackendRole, string, string];
          return { waiter, lock, holder, count };
        })
        .sort(byCount),
      advisory: [...this.advisory].map(([key, seen]) => ({ key, samples: seen.samples, holders: [...seen.holders] })),
      writerActivity: [...this.writerActivity].map(([activity, count]) => ({ activity, count })).sort(byCount),
    };
  }
}

/** The report as lines for the bench's output: lock waits first, then advisory locks, writers' activity and the cost. */
export function describeLockWaits(report: LockWaitReport, projectorLock: number): string[] {
  const { samples, samplesWaiting } = report;
  const waitsOf = (role: BackendRole) =>
    report.waits
      .filter((w) => w.waiter === role)
      .map((w) => `${w.lock} ${w.holder} ${w.count}`)
      .join(', ');
  const advisory = report.advisory.map(
    (a) =>
      `${a.key}${a.key === String(projectorLock) ? " (the projector's)" : ''} held in ${a.samples} samples, by ${a.holders.map((role) => HOLDERS[role]).join(' and ')}${a.holders.length === 1 ? ' only' : ''}`,
  );
  const activity = report.writerActivity
    .slice(0, 6)
    .map((a) => `${a.activity} ${a.count}`)
    .join(', ');
  const cpu =
    report.backendCpuSeconds === undefined
      ? ''
      : `, its backend used ${report.backendCpuSeconds.toFixed(2)} s of CPU in ${(report.spanMs / 1000).toFixed(1)} s (${((100 * report.backendCpuSeconds * 1000) / report.spanMs).toFixed(1)} % of one core)`;
  return [
    `lock waits       ${samplesWaiting.writer} of ${samples} samples showed an ingest writer waiting on a heavyweight lock${samplesWaiting.writer ? `: ${waitsOf('writer')} (backend-samples)` : ''}`,
    `                 the projector in ${samplesWaiting.projector}${samplesWaiting.projector ? ` (${waitsOf('projector')})` : ''}, other statements in ${samplesWaiting.other}${samplesWaiting.other ? ` (${waitsOf('other')})` : ''}`,
    `advisory locks   ${advisory.length > 0 ? advisory.join('; ') : 'none seen'}`,
    `writers were     ${activity || 'never seen in a transaction'} (backend-samples of writers in a transaction)`,
    `sampling         pg_stat_activity and pg_locks every ${report.intervalMs} ms from one connection: ${samples} samples, ${(report.queryMs / Math.max(1, samples)).toFixed(1)} ms each on average${cpu}`,
  ];
}
