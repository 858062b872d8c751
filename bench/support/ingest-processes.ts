import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { processMemoryMiB } from './process-memory';

/** What one audit-ingest process logged about the bench topic: its `Events Ingested` lines, summed. */
export interface IngestFigures {
  pid: number;
  stored: number;
  duplicates: number;
  batches: number;
  /** Epoch ms at which its first batch began and its last batch ended (the services' log clocks). */
  firstBatchAt?: number;
  lastBatchAt?: number;
  /** When each batch began, and how many events it stored. */
  batchLog: Array<{ at: number; stored: number }>;
}

export interface IngestSettings {
  root: string;
  env: Record<string, string>;
  /** The topic whose batches are counted. */
  topic: string;
  /** A directory for V8 CPU profiles, one per process. */
  profileDir?: string;
}

/** Events per second over a span, or 0 for a span that is not there. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? Math.round(count / (ms / 1000)) : 0;
}

/**
 * The span in which every process was ingesting, from the first batch of the last one to start to
 * the last batch of any, and the events stored by batches that began in it: the rate without the
 * rebalances that hand partitions to processes as they join. Undefined while a process has none.
 */
export function allRunning(figures: IngestFigures[]): { from: number; ms: number; stored: number } | undefined {
  if (figures.some((f) => f.firstBatchAt === undefined)) return undefined;
  const from = Math.max(...figures.map((f) => f.firstBatchAt!));
  const to = Math.max(...figures.map((f) => f.lastBatchAt!));
  const stored = figures.flatMap((f) => f.batchLog).reduce((sum, b) => sum + (b.at >= from ? b.stored : 0), 0);
  return { from, ms: to - from, stored };
}

/** The processes' figures taken together: from the first batch of any to the last batch of any. */
export function combined(figures: IngestFigures[]): Omit<IngestFigures, 'pid' | 'batchLog'> & { ms: number } {
  const firsts = figures.flatMap((f) => (f.firstBatchAt === undefined ? [] : [f.firstBatchAt]));
  const lasts = figures.flatMap((f) => (f.lastBatchAt === undefined ? [] : [f.lastBatchAt]));
  const firstBatchAt = firsts.length > 0 ? Math.min(...firsts) : undefined;
  const lastBatchAt = lasts.length > 0 ? Math.max(...lasts) : undefined;
  const sum = (pick: (f: IngestFigures) => number) => figures.reduce((total, f) => total + pick(f), 0);
  return {
    stored: sum((f) => f.stored),
    duplicates: sum((f) => f.duplicates),
    batches: sum((f) => f.batches),
    firstBatchAt,
    lastBatchAt,
    ms: firstBatchAt !== undefined && lastBatchAt !== undefined ? lastBatchAt - firstBatchAt : 0,
  };
}

/**
 * Real audit-ingest processes (the compiled service) consuming the same topic in one consumer
 * group, counted by their `Events Ingested` log lines.
 */
export class IngestProcesses {
  private readonly figures: IngestFigures[];
  private readonly listeners = new Set<() => void>();
  private exited?: Error;

  private constructor(
    private readonly children: ChildProcess[],
    topic: string,
  ) {
    this.figures = children.map((child) => ({ pid: child.pid!, stored: 0, duplicates: 0, batches: 0, batchLog: [] }));
    children.forEach((child, index) => {
      child.once('exit', (code) => {
        this.exited ??= new Error(`audit-ingest ${index + 1} (pid ${child.pid}) exited early with ${code}`);
        this.notify();
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.includes('"Events Ingested"')) this.count(this.figures[index], line, topic);
      });
    });
  }

  static start(instances: number, settings: IngestSettings): IngestProcesses {
    const profile = settings.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : [];
    const main = path.join(settings.root, 'dist/apps/audit-ingest/src/main.js');
    const children = Array.from({ length: instances }, () =>
      spawn(process.execPath, [...profile, main], {
        // a start adds a ServiceSettings event to the trail the bench counts
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          SETTINGS_AUDIT_ENABLED: 'false',
          ...settings.env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    return new IngestProcesses(children, settings.topic);
  }

  private count(figures: IngestFigures, line: string, topic: string): void {
    const record = JSON.parse(line) as {
      timestamp: string;
      topic: string;
      count: number;
      duplicates: number;
      durationMs: number;
    };
    if (record.topic !== topic) return;
    const at = Date.parse(record.timestamp);
    figures.firstBatchAt ??= at - record.durationMs;
    figures.lastBatchAt = at;
    figures.batchLog.push({ at: at - record.durationMs, stored: record.count });
    figures.batches++;
    figures.stored += record.count;
    figures.duplicates += record.duplicates;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves once `done` holds for the figures; rejects when a process exits first. */
  private until(done: (figures: IngestFigures[]) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.exited) reject(this.exited);
        else if (done(this.figures)) resolve();
        else return;
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves when any process has ingested its first batch of the topic. */
  firstBatch(): Promise<void> {
    return this.until((figures) => figures.some((f) => f.batches > 0));
  }

  /** Resolves, with each process's figures at that moment, once they have stored `total` events together. */
  async stored(total: number): Promise<IngestFigures[]> {
    await this.until((figures) => combined(figures).stored >= total);
    return this.figures.map((f) => ({ ...f, batchLog: [...f.batchLog] }));
  }

  /** The processes' ids. */
  pids(): number[] {
    return this.children.map((child) => child.pid!);
  }

  /** Each process's peak resident memory so far (VmHWM), in MiB. */
  peakMiB(): number[] {
    return this.children.map((child) => Math.round(processMemoryMiB(child.pid!).peak));
  }

  /** Stops every process the way Kubernetes would (SIGTERM) and waits for them to exit. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        child.removeAllListeners('exit');
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
  }
}
