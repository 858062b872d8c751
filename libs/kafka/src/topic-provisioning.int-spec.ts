import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { kafkaBrokers, testRunId } from '../../../test/support/run-id';
import { testTopicPrefixOf } from '../../../test/support/test-stack';
import { createKafkaClient } from './kafka-client.factory';
import { deleteTopics, provisionTopics, type TopicSpec } from './topic-provisioning';

describe('provisionTopics (real Kafka)', () => {
  let admin: Admin;
  const name = `${testTopicPrefixOf(testRunId())}provisioning-${randomBytes(3).toString('hex')}`;
  const spec = (partitions: number, retentionMs: number): TopicSpec => ({
    name,
    partitions,
    replicationFactor: 1,
    configs: { 'retention.ms': String(retentionMs), 'cleanup.policy': 'delete' },
  });

  beforeAll(async () => {
    admin = createKafkaClient({ KAFKA_BROKERS: kafkaBrokers(), KAFKA_SSL: false }, 'meshtrail-test').admin();
    await admin.connect();
  });
  afterAll(async () => {
    await deleteTopics(admin, [name]);
    await admin.disconnect();
  });

  async function describe_(): Promise<{ partitions: number; retention: string | undefined }> {
    const metadata = await admin.fetchTopicMetadata({ topics: [name] });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name, configNames: ['retention.ms'] }],
    });
    return {
      partitions: metadata.topics[0].partitions.length,
      retention: configs.resources[0].configEntries.find((e) => e.configName === 'retention.ms')?.configValue,
    };
  }

  it('creates, then grows partitions and re-applies retention, and is a no-op when in line', async () => {
    expect(await provisionTopics(admin, [spec(2, 3_600_000)])).toMatchObject({ created: [name] });
    expect(await describe_()).toEqual({ partitions: 2, retention: '3600000' });

    const changed = await provisionTopics(admin, [spec(4, 7_200_000)]);
    expect(changed).toMatchObject({ created: [], partitionsIncreased: [name], reconfigured: [name] });
    expect(await describe_()).toEqual({ partitions: 4, retention: '7200000' });

    expect(await provisionTopics(admin, [spec(4, 7_200_000)])).toEqual({
      created: [],
      partitionsIncreased: [],
      reconfigured: [],
      unchanged: [name],
    });
  });
});
