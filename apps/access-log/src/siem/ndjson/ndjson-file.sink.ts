import { open } from 'node:fs/promises';
import type { SiemEntry } from '../siem-entry';
import type { SiemSink } from '../siem-sink';

/**
 * Appends one JSON object per line to a file. A batch counts as delivered once it is on disk
 * (fdatasync). The file is opened per batch, so a log shipper may rotate it by renaming.
 */
export class NdjsonFileSink implements SiemSink {
  readonly name: string;

  constructor(private readonly path: string) {
    this.name = `file://${path}`;
  }

  async deliver(entries: SiemEntry[]): Promise<void> {
    const file = await open(this.path, 'a');
    try {
      await file.write(entries.map((entry) => `${entry.json}\n`).join(''));
      await file.datasync();
    } finally {
      await file.close();
    }
  }

  async close(): Promise<void> {}
}
