import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createKafkaClient, KafkaAdmin } from '@meshtrail/kafka';
import { planTopics } from '@meshtrail/retention';
import { dropDatabase, parseDatabaseUrl, withDatabase } from '@meshtrail/database';
import { prefixedTopic, type TopicName } from '@meshtrail/contracts';
import { baseDatabaseUrl, kafkaBrokers, TEST_DATABASE_PREFIX, testRunId } from './run-id';

export function testTopicPrefixOf(runId: string): string {
  return `t-${runId}-`;
}

/** A suite's own slice of the real stack: a migrated database and a full set of topics. */
export interface TestStack {
  databaseUrl: string;
  topicPrefix: string;
  brokers: string[];
  /** The key pair audit-ingest seals this slice's trail with (AUDIT_SEAL_PRIVATE_KEY in env). */
  sealKey: { privatePem: string; publicPem: string };
  /** The environment a service needs to run against this slice. */
  env: Record<string, string>;
  topic(name: TopicName): string;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  teardown(): Promise<void>;
}

async function cloneTemplate(target: string): Promise<void> {
  const template = process.env.MESHTRAIL_TEST_TEMPLATE_URL;
  if (!template) throw new Error('no template database: run the tests through jest with the int or e2e project');
  const { database: templateName } = parseDatabaseUrl(template);
  const client = new Client({ connectionString: withDatabase(baseDatabaseUrl(), 'postgres') });
  await client.connect();
  try {
    // Identifiers cannot be parameters; both names are generated here from [a-z0-9_].
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${target}" TEMPLATE "${templateName}"`);
        return;
      } catch (error) {
        // another suite cloning the same template at this instant
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await client.end();
  }
}

export async function createTestStack(name: string): Promise<TestStack> {
  const runId = testRunId();
  const slug = `${name
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(3).toString('hex')}`;
  const database = `${TEST_DATABASE_PREFIX}${runId}_${slug}`;
  await cloneTemplate(database);
  const databaseUrl = withDatabase(baseDatabaseUrl(), database);
  const topicPrefix = `${testTopicPrefixOf(runId)}${slug}.`;
  const brokers = kafkaBrokers();
  const admin = new KafkaAdmin(createKafkaClient({ KAFKA_BROKERS: brokers, KAFKA_SSL: false }, 'meshtrail-test'));
  const specs = planTopics({
    prefix: topicPrefix,
    partitions: 3,
    replicationFactor: 1,
    retentionHours: 24,
    deadLetterRetentionHours: 24,
    telemetryRetentionHours: 24,
  });
  await admin.provision(specs);
  await admin.close();

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();

  const pair = generateKeyPairSync('ed25519');
  const sealKey = {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };

  return {
    databaseUrl,
    topicPrefix,
    brokers,
    sealKey,
    env: {
      AUDIT_SEAL_PRIVATE_KEY: sealKey.privatePem,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      LOG_LEVEL: 'info',
      // suites count the events of their trail exactly; the settings audit's suite switches it on
      SETTINGS_AUDIT_ENABLED: 'false',
    },
    topic: (topic) => prefixedTopic(topic, topicPrefix),
    query: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await db.query(sql, params)).rows as T[],
    teardown: async () => {
      await db.end();
      if (process.env.MESHTRAIL_KEEP_TEST_DATA === '1') return;
      await dropDatabase(databaseUrl);
      await admin.deleteTopics(specs.map((spec) => spec.name));
      await admin.close();
    },
  };
}
