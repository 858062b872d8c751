import { open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SiemEntry } from '../siem-entry';
import type { SiemSink } from '../siem-sink';

const DAY_MS = 86_400_000;
/** Old files are looked for at most this often (and at the first batch). */
const SWEEP_INTERVAL_MS = 3_600_000;

export interface NdjsonFileOptions {
  /** Day files older than this many days are deleted. */
  maxAgeDays: number;
  now?: () => number;
}

/** `/var/log/meshtrail/siem.ndjson` → `/var/log/meshtrail/siem.2026-12-05.ndjson` on that day (UTC). */
export function dayFileOf(target: string, at: number): string {
  const { dir, name, ext } = path.parse(target);
  return path.join(dir, `${name}.${new Date(at).toISOString().slice(0, 10)}${ext}`);
}

/**
 * Appends one JSON object per line to a file per UTC day (the target's name with the day before
 * its extension), and deletes the day files older than `maxAgeDays`: what the SIEM hand-off keeps
 * on disk is bounded in time. A batch counts as delivered once it is on disk (fdatasync). Files
 * are opened per batch in append mode, so the forwarders of several streams may share a target.
 */
export class NdjsonFileSink implements SiemSink {
  readonly name: string;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(
    private readonly target: string,
    private readonly options: NdjsonFileOptions,
  ) {
    this.name = `file://${target}`;
    this.now = options.now ?? Date.now;
  }

  async deliver(entries: SiemEntry[]): Promise<void> {
    const at = this.now();
    const file = await open(dayFileOf(this.target, at), 'a');
    try {
      await file.write(entries.map((entry) => `${entry.json}\n`).join(''));
      await file.datasync();
    } finally {
      await file.close();
    }
    if (at - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = at;
      await this.deleteExpired(at);
    }
  }

  /** Deletes the target's day files whose day ended more than maxAgeDays ago. */
  async deleteExpired(at: number): Promise<string[]> {
    const { dir, name, ext } = path.parse(this.target);
    const pattern = new RegExp(`^${escape(name)}\\.(\\d{4}-\\d{2}-\\d{2})${escape(ext)}$`);
    const oldestKept = new Date(at - this.options.maxAgeDays * DAY_MS).toISOString().slice(0, 10);
    const deleted: string[] = [];
    for (const file of await readdir(dir)) {
      const day = pattern.exec(file)?.[1];
      if (day !== undefined && day < oldestKept) {
        await rm(path.join(dir, file), { force: true });
        deleted.push(file);
      }
    }
    return deleted;
  }

  async close(): Promise<void> {}
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
