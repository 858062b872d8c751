import { setTimeout as delay } from 'node:timers/promises';
import type { Admin, ITopicConfig, KafkaJSError } from 'kafkajs';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs, e.g. retention.ms, cleanup.policy. */
  configs: Record<string, string>;
}

export interface ProvisioningReport {
  created: string[];
  partitionsIncreased: string[];
  reconfigured: string[];
  unchanged: string[];
}

/**
 * Brings the cluster in line with the specs: creates missing topics, grows partition counts
 * (Kafka cannot shrink them) and sets the listed configs. Safe to run again and again.
 */
export async function provisionTopics(admin: Admin, specs: TopicSpec[]): Promise<ProvisioningReport> {
  const report: ProvisioningReport = { created: [], partitionsIncreased: [], reconfigured: [], unchanged: [] };
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((spec) => ({
      topic: spec.name,
      numPartitions: spec.partitions,
      replicationFactor: spec.replicationFactor,
      configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
    }));
    await admin.createTopics({ topics, waitForLeaders: false });
    await leadersElected(
      admin,
      missing.map((spec) => spec.name),
    );
    report.created.push(...missing.map((spec) => spec.name));
  }
  const present = specs.filter((spec) => existing.has(spec.name));
  if (present.length === 0) return report;

  const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.name) });
  const grow = present.filter((spec) => {
    const topic = metadata.topics.find((t) => t.name === spec.name);
    return topic !== undefined && topic.partitions.length < spec.partitions;
  });
  if (grow.length > 0) {
    await admin.createPartitions({
      topicPartitions: grow.map((spec) => ({ topic: spec.name, count: spec.partitions })),
    });
    report.partitionsIncreased.push(...grow.map((spec) => spec.name));
  }

  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((spec) => ({
      type: 2 /* TOPIC */,
      name: spec.name,
      configNames: Object.keys(spec.configs),
    })),
  });
  const drifted = present.filter((spec) => {
    const resource = described.resources.find((r) => r.resourceName === spec.name);
    return Object.entries(spec.configs).some(
      ([name, value]) => resource?.configEntries.find((entry) => entry.configName === name)?.configValue !== value,
    );
  });
  if (drifted.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: drifted.map((spec) => ({
        type: 2 /* TOPIC */,
        name: spec.name,
        configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
      })),
    });
    report.reconfigured.push(...drifted.map((spec) => spec.name));
  }
  report.unchanged.push(
    ...present
      .map((spec) => spec.name)
      .filter((name) => !report.partitionsIncreased.includes(name) && !report.reconfigured.includes(name)),
  );
  return report;
}

/**
 * Waits until every partition of the topics has a leader. kafkajs' own wait gives up when the
 * broker it asks does not know a topic the controller has just created (KRaft propagates
 * metadata asynchronously): that answer is retriable, and is retried here until the deadline.
 */
async function leadersElected(admin: Admin, names: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      if (topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))) return;
      last = undefined;
    } catch (error) {
      if (!(error as KafkaJSError).retriable) throw error;
      last = error;
    }
    await delay(100);
  }
  throw new Error(
    `no leader for every partition of ${names.join(', ')} within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`,
  );
}

/** Deletes topics (test teardown); missing ones are ignored. */
export async function deleteTopics(admin: Admin, names: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((name) => existing.has(name));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 20000 });
}
