import type { FailureKind } from './failure-kind';

/** What is known of one partition a consumer group reads. */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The group's committed offset (the next record to read); undefined until known. */
  committedOffset?: string;
  /** The partition's high watermark, from the broker. */
  highWatermark?: string;
  /** Records behind the high watermark, from the broker; undefined until measured. */
  lag?: number;
  /** When the committed offset last moved forward, or the partition was last seen caught up (ms). */
  lastAdvancedAt: number;
  /** The last failed attempt since the partition last advanced. */
  lastError?: { kind: FailureKind; message: string; offset: string; at: number };
  /** Paused by the consumer to retry later (an outage, or a failure every record shares). */
  pausedUntil?: number;
}

export interface ConsumerStatus {
  /** The name used in logs and metrics. */
  name: string;
  groupId: string;
  topics: string[];
  state: 'running' | 'crashed' | 'stopped';
  startedAt: number;
  /** A group without a committed offset starts at the end: its lag is counted from there. */
  fromLatest: boolean;
  /** Set while every record fails alike: the consumer pauses instead of dead-lettering. */
  systemic?: { message: string; topic: string; partition: number; offset: string; since: number };
  crash?: { message: string; at: number };
  /**
   * `topic/partition` of the partitions this member was assigned at its last join: the group's
   * other partitions are measured too (for the metrics) but are other members' to advance.
   */
  assigned?: Set<string>;
  partitions: Map<string, PartitionProgress>;
}

export const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;
const key = partitionKey;

/**
 * The process's consumers and how far each partition has come: written by the batch consumers
 * and the lag monitor, read by the health indicator and the metrics. One per process, like the
 * meter the metrics hang on.
 */
export class ConsumerRegistry {
  private readonly consumers = new Map<string, ConsumerStatus>();

  register(name: string, groupId: string, topics: string[], now = Date.now(), fromLatest = false): ConsumerStatus {
    const status: ConsumerStatus = {
      name,
      groupId,
      topics,
      state: 'running',
      startedAt: now,
      fromLatest,
      partitions: new Map(),
    };
    this.consumers.set(groupId, status);
    return status;
  }

  unregister(groupId: string): void {
    this.consumers.delete(groupId);
  }

  all(): ConsumerStatus[] {
    return [...this.consumers.values()];
  }

  get(groupId: string): ConsumerStatus | undefined {
    return this.consumers.get(groupId);
  }

  partition(status: ConsumerStatus, topic: string, partition: number, now = Date.now()): PartitionProgress {
    let progress = status.partitions.get(key(topic, partition));
    if (!progress) {
      // a partition first seen now gets the whole stall time to show progress
      progress = { topic, partition, lastAdvancedAt: Math.max(now, status.startedAt) };
      status.partitions.set(key(topic, partition), progress);
    }
    return progress;
  }

  /** The member's assignment after a join: a partition it takes over gets the whole stall time from now. */
  assigned(status: ConsumerStatus, partitions: string[], now = Date.now()): void {
    const previous = status.assigned ?? new Set<string>();
    status.assigned = new Set(partitions);
    for (const name of partitions) {
      const progress = status.partitions.get(name);
      if (progress && !previous.has(name)) progress.lastAdvancedAt = now;
    }
  }

  /** The consumer committed `nextOffset`: the partition advanced, and its trouble is over. */
  committed(status: ConsumerStatus, topic: string, partition: number, nextOffset: string, now = Date.now()): void {
    const progress = this.partition(status, topic, partition, now);
    progress.committedOffset = nextOffset;
    progress.lastAdvancedAt = now;
    progress.lastError = undefined;
    progress.pausedUntil = undefined;
    if (progress.highWatermark !== undefined) {
      progress.lag = Math.max(0, Number(BigInt(progress.highWatermark) - BigInt(nextOffset)));
    }
  }

  failed(
    status: ConsumerStatus,
    where: { topic: string; partition: number; offset: string },
    error: { kind: FailureKind; message: string },
    pausedUntil: number,
    now = Date.now(),
  ): void {
    const progress = this.partition(status, where.topic, where.partition, now);
    progress.lastError = { ...error, offset: where.offset, at: now };
    progress.pausedUntil = pausedUntil;
  }

  /**
   * The broker's view, measured periodically: committed offset (-1 when the group has none) and
   * the partition's low and high watermarks.
   */
  observe(
    status: ConsumerStatus,
    offsets: { topic: string; partition: number; committed: string; low: string; high: string },
    now = Date.now(),
  ): void {
    const progress = this.partition(status, offsets.topic, offsets.partition, now);
    const hasCommitted = BigInt(offsets.committed) >= 0n;
    const start = status.fromLatest ? offsets.high : offsets.low;
    const position = hasCommitted ? BigInt(offsets.committed) : BigInt(start);
    if (
      hasCommitted &&
      progress.committedOffset !== undefined &&
      BigInt(offsets.committed) > BigInt(progress.committedOffset)
    ) {
      progress.lastAdvancedAt = now;
    }
    if (hasCommitted) progress.committedOffset = offsets.committed;
    progress.highWatermark = offsets.high;
    progress.lag = Math.max(0, Number(BigInt(offsets.high) - position));
    // nothing to do is not a stall
    if (progress.lag === 0) progress.lastAdvancedAt = now;
  }
}

export const consumerRegistry = new ConsumerRegistry();

/** A partition that had work but has not advanced for longer than allowed, and why. */
export interface StalledPartition {
  group: string;
  consumer: string;
  topic: string;
  partition: number;
  committedOffset?: string;
  lag?: number;
  stalledForSeconds: number;
  lastError?: string;
}

/**
 * Partitions with work waiting (lag above zero, or a failed attempt pending) whose committed
 * offset has not moved for `stallMs`. Pure, so the rule is tested without a broker.
 */
export function stalledPartitions(status: ConsumerStatus, now: number, stallMs: number): StalledPartition[] {
  const stalled: StalledPartition[] = [];
  for (const progress of status.partitions.values()) {
    if (status.assigned && !status.assigned.has(key(progress.topic, progress.partition))) continue;
    const hasWork = (progress.lag ?? 0) > 0 || progress.lastError !== undefined;
    const idleMs = now - progress.lastAdvancedAt;
    if (!hasWork || idleMs < stallMs) continue;
    stalled.push({
      group: status.groupId,
      consumer: status.name,
      topic: progress.topic,
      partition: progress.partition,
      committedOffset: progress.committedOffset,
      lag: progress.lag,
      stalledForSeconds: Math.round(idleMs / 1000),
      lastError: progress.lastError
        ? `${progress.lastError.kind} failure at offset ${progress.lastError.offset}: ${progress.lastError.message}`
        : undefined,
    });
  }
  return stalled;
}
