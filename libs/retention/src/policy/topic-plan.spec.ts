import { TOPICS } from '@meshtrail/contracts';
import { RETENTION_BOUNDS } from './data-kinds';
import { TOPIC_DATA_KINDS } from './topic-retention';
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
    // dead letters are never kept on a topic longer than the shortest dead-letter retention (1 month)
    expect(byName['acme.audit.events.dlq.v1'].configs['retention.ms']).toBe(String(28 * 24 * 3_600_000));
    expect(byName['acme.access-logs.dlq.v1'].configs['retention.ms']).toBe(String(28 * 24 * 3_600_000));
    expect(byName['acme.telemetry.otlp.v1'].configs['retention.ms']).toBe(String(24 * 3_600_000));
  });
});

describe('topic retention against the retention policies', () => {
  // the largest values the admin CLI accepts
  const longest = planTopics({
    prefix: '',
    partitions: 1,
    replicationFactor: 1,
    retentionHours: 720,
    deadLetterRetentionHours: 720,
    telemetryRetentionHours: 168,
  });
  const retentionDays = (topic: string) =>
    Number(longest.find((spec) => spec.name === topic)!.configs['retention.ms']) / 86_400_000;

  it('keeps no topic longer than its store’s minimum retention, counted in 28-day months', () => {
    for (const topic of Object.values(TOPICS)) {
      const kind = TOPIC_DATA_KINDS[topic];
      expect(retentionDays(topic)).toBeLessThanOrEqual(RETENTION_BOUNDS[kind].minMonths * 28);
      expect(retentionDays(topic)).toBeLessThan(RETENTION_BOUNDS[kind].maxMonths * 28);
    }
  });

  it('caps a configured retention that would outlive the store: access logs keep at most 28 days', () => {
    expect(retentionDays('access-logs.v1')).toBe(28);
    expect(retentionDays('audit.events.v1')).toBe(30);
    expect(retentionDays('keycloak.events.raw.v1')).toBe(30);
    expect(retentionDays('audit.events.dlq.v1')).toBe(28);
    expect(retentionDays('access-logs.dlq.v1')).toBe(28);
  });

  it('maps every topic to the kind of data it carries', () => {
    expect(Object.keys(TOPIC_DATA_KINDS).sort()).toEqual(Object.values(TOPICS).sort());
    expect(TOPIC_DATA_KINDS['keycloak.events.raw.v1']).toBe('authEvents');
    expect(TOPIC_DATA_KINDS['access-logs.v1']).toBe('accessLogs');
    expect(TOPIC_DATA_KINDS['audit.events.dlq.v1']).toBe('deadLetters');
  });
});
