import { logLevel, type Admin, type Kafka } from 'kafkajs';
import { createKafkaClient, type KafkaConnectionConfig } from './kafka-client.factory';
import { deleteTopics, provisionTopics, type ProvisioningReport, type TopicSpec } from './topic-provisioning';

export interface ClusterDescription {
  clusterId: string;
  brokers: number;
  controller: number | null;
}

export interface PartitionWatermarks {
  partition: number;
  low: string;
  high: string;
}

export interface GroupOffsets {
  topic: string;
  /** The group's committed offset per partition; -1 where it has none. */
  partitions: Array<{ partition: number; offset: string }>;
}

/**
 * Everything this process asks of the cluster itself: topic provisioning, watermarks and committed
 * offsets (consumer lag), cluster metadata (health). One admin connection, opened on first use; a
 * failed request drops it, so the next one reconnects once the broker is back.
 */
export class KafkaAdmin {
  private connecting?: Promise<Admin>;

  constructor(private readonly kafka: Kafka) {}

  provision(specs: TopicSpec[]): Promise<ProvisioningReport> {
    return this.use((admin) => provisionTopics(admin, specs));
  }

  /** Deletes the topics that exist among `names`; missing ones are ignored. */
  deleteTopics(names: string[]): Promise<void> {
    return this.use((admin) => deleteTopics(admin, names));
  }

  topics(): Promise<string[]> {
    return this.use((admin) => admin.listTopics());
  }

  describeCluster(): Promise<ClusterDescription> {
    return this.use(async (admin) => {
      const cluster = await admin.describeCluster();
      return { clusterId: cluster.clusterId, brokers: cluster.brokers.length, controller: cluster.controller };
    });
  }

  watermarks(topic: string): Promise<PartitionWatermarks[]> {
    return this.use(async (admin) =>
      (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
    );
  }

  groupOffsets(groupId: string, topics: string[]): Promise<GroupOffsets[]> {
    return this.use(async (admin) =>
      (await admin.fetchOffsets({ groupId, topics })).map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition, offset }) => ({ partition, offset })),
      })),
    );
  }

  /** The group's state as the coordinator reports it (`Stable` once every member has its partitions). */
  groupState(groupId: string): Promise<string | undefined> {
    return this.use(async (admin) => (await admin.describeGroups([groupId])).groups[0]?.state);
  }

  private async use<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await work(await this.connecting);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const admin = await connecting?.catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

/** The admin a service keeps for health probes and lag readings: fails fast, and the next call reconnects. */
export function probeAdmin(connection: KafkaConnectionConfig, clientId: string): KafkaAdmin {
  return new KafkaAdmin(
    createKafkaClient(connection, `${clientId}-admin`, {
      connectionTimeout: 1500,
      requestTimeout: 3000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }),
  );
}
