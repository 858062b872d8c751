import type { SiemEntry } from './siem-entry';

/** Where a forwarder sends entries. deliver() resolves only once the destination has taken them all. */
export interface SiemSink {
  /** For logs: the receiver URL or NDJSON target (never credentials). */
  readonly name: string;
  deliver(entries: SiemEntry[]): Promise<void>;
  close(): Promise<void>;
}
