import { TOPICS } from '@meshtrail/contracts';
import { planTopics } from './topic-plan';

describe('planTopics', () => {
  const plan = planTopics({
    prefix: 'acme.',
    partitions: 12,
    replicationFactor: 3,
    retentionHours: 168,
    deadLetterRetentionHours: 720,
    telemetryRetentionHours: 24,
  });

  it('plans every contract topic once, with the prefix', () => {
    expect(plan.map((spec) => spec.name).sort()).toEqual(
      Object.values(TOPICS)
        .map((t) => `acme.${t}`)
        .sort(),
    );
  });

  it('gives each topic the configured partitions, replicas and retention', () => {
    const byName = Object.fromEntries(plan.map((spec) => [spec.name, spec]));
    expect(byName['acme.audit.events.v1']).toMatchObject({
      partitions: 12,
      replicationFactor: 3,
      configs: { 'retention.ms': String(168 * 3_600_000), 'cleanup.policy': 'delete' },
    });
    expect(byName['acme.audit.events.dlq.v1'].configs['retention.ms']).toBe(String(720 * 3_600_000));
    expect(byName['acme.telemetry.otlp.v1'].configs['retention.ms']).toBe(String(24 * 3_600_000));
  });
});
