/** A record as the contract's publishers hand it over: the sink chooses the partition from the key. */
export interface OutgoingRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

/**
 * Where the contract's publishers send records: anything that resolves once the broker has
 * acknowledged them (acks from all in-sync replicas) and that partitions by the key the way the
 * Java client does (murmur2), so a workspace's events keep their partition whoever publishes.
 * meshtrail's own producer (libs/kafka) is one; so is a kafkajs producer wrapped in one line.
 */
export interface RecordSink {
  send(topic: string, records: OutgoingRecord[]): Promise<unknown>;
}
