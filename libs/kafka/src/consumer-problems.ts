import type { HealthProblem } from '@meshtrail/observability';
import type { StalledPartition } from './consumer-registry';

/** The consumer that forwards to SIEM receivers: its stall is a SIEM backlog. */
const SIEM_CONSUMER = 'SiemForwarder';

export interface ConsumerTrouble {
  stalled: StalledPartition[];
  systemic: Array<{ group: string; consumer: string; topic?: string; partition?: number; since?: number }>;
  crashed: Array<{ group: string; consumer: string }>;
}

/**
 * What the consumers' trouble means for the operations center, in bounded words (consumer, topic,
 * partition, counts): never the error text, which the component's details keep.
 */
export function consumerProblems(trouble: ConsumerTrouble, now: number): HealthProblem[] {
  const problems: HealthProblem[] = [];
  for (const stall of trouble.stalled) {
    const siem = stall.consumer === SIEM_CONSUMER;
    problems.push({
      type: siem ? 'siem_backlog' : 'consumer_stalled',
      severity: 'critical',
      since: new Date(now - stall.stalledForSeconds * 1000).toISOString(),
      description:
        `${siem ? 'SIEM forwarding' : stall.consumer} stalled on ${stall.topic}[${stall.partition}] ` +
        `for ${stall.stalledForSeconds} s, ${stall.lag ?? 'unknown'} records waiting`,
    });
  }
  for (const failing of trouble.systemic)
    problems.push({
      type: 'consumer_failing',
      severity: 'critical',
      since: new Date(failing.since ?? now).toISOString(),
      description: `${failing.consumer} fails every record of ${failing.topic}[${failing.partition}] alike`,
    });
  for (const crash of trouble.crashed)
    problems.push({
      type: 'consumer_crashed',
      severity: 'critical',
      since: new Date(now).toISOString(),
      description: `${crash.consumer} (group ${crash.group}) stopped for good`,
    });
  return problems;
}
