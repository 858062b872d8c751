import type { Admin, ITopicConfig } from 'kafkajs';

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
    await admin.createTopics({ topics, waitForLeaders: true });
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

/** Deletes topics (test teardown); missing ones are ignored. */
export async function deleteTopics(admin: Admin, names: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((name) => existing.has(name));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 20000 });
}
