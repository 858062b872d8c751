import { TransientError, type ConsumedRecord, type ConsumerHandler, type DeadLetter } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
import { toSiemEntries, type SiemEntry, type SiemStream } from './siem-entry';
import type { SiemSink } from './siem-sink';

export interface SiemForwarderOptions {
  /** Its own consumer group: each destination keeps its own place in the stream. */
  groupId: string;
  topic: string;
  stream: SiemStream;
  sink: SiemSink;
  /** Our hostname, for entries that do not carry one (audit events). */
  hostname: string;
  /** Where a new group starts: the oldest retained record, or only what comes from now on. */
  fromBeginning: boolean;
  /** Where a record whose forwarding fails on its own goes (the dead letters). */
  deadLetter?: (letters: DeadLetter[]) => Promise<void>;
}

/**
 * One stream to one SIEM destination, in real time. Offsets are committed only after the sink
 * took the batch, so an outage of the destination loses nothing: the forwarder retries with
 * backoff and resumes where it stopped. Records that are not valid entries are skipped (the store
 * dead-letters access logs; audit-ingest dead-letters audit events) and counted.
 */
export class SiemForwarder {
  private readonly logger = new AppLogger('SiemForwarder');

  constructor(private readonly options: SiemForwarderOptions) {}

  /** How its stream is consumed, for the consumer host. */
  consumer(): ConsumerHandler {
    return {
      name: 'SiemForwarder',
      groupId: this.options.groupId,
      topics: [this.options.topic],
      fromBeginning: this.options.fromBeginning,
      // a receiver outage: try again soon, then every 5 s at the most
      retry: { initialMs: 250, maxMs: 5000 },
      handle: (records) => this.forward(records),
      deadLetter: this.options.deadLetter,
    };
  }

  async forward(records: ConsumedRecord[]): Promise<void> {
    const entries: SiemEntry[] = [];
    const skipped: string[] = [];
    for (const record of records) {
      const converted = toSiemEntries(this.options.stream, record, this.options.hostname);
      entries.push(...converted.entries);
      skipped.push(...converted.rejected);
    }
    if (entries.length > 0) {
      try {
        await this.options.sink.deliver(entries);
      } catch (error) {
        // the destination's trouble, not the records': pause and retry, dead-letter nothing
        throw new TransientError(`${this.options.sink.name}: ${(error as Error).message}`, { cause: error });
      }
    }
    const fields = { destination: this.options.sink.name, stream: this.options.stream };
    if (skipped.length > 0)
      this.logger.warn('SIEM Records Skipped', { ...fields, count: skipped.length, reason: skipped[0] });
    this.logger.info('SIEM Records Forwarded', { ...fields, count: entries.length });
  }

  /** Once its consumer has stopped. */
  close(): Promise<void> {
    return this.options.sink.close();
  }
}
