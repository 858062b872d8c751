import './register-paths';
import { Client, escapeIdentifier } from 'pg';
import { createKafkaClient, KafkaAdmin } from '@meshtrail/kafka';
import { withDatabase } from '@meshtrail/database';
import { stopKeycloakOfThisRun } from './keycloak';
import { baseDatabaseUrl, kafkaBrokers, TEST_DATABASE_PREFIX } from './run-id';
import { testTopicPrefixOf } from './test-stack';

/**
 * Removes every database and topic this run created (set MESHTRAIL_KEEP_TEST_DATA=1 to inspect
 * them), and stops the Keycloak a suite of this run started.
 */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.MESHTRAIL_TEST_RUN_ID;
  if (!runId || process.env.MESHTRAIL_TEST_TORN_DOWN) return;
  // a Keycloak the run's suites started is stopped even when the test data is kept
  await stopKeycloakOfThisRun(runId);
  if (process.env.MESHTRAIL_KEEP_TEST_DATA === '1') return;
  process.env.MESHTRAIL_TEST_TORN_DOWN = '1';
  const client = new Client({ connectionString: withDatabase(baseDatabaseUrl(), 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1 || '%'",
      [`${TEST_DATABASE_PREFIX}${runId}_`],
    );
    for (const { datname } of rows)
      await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(datname)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const admin = new KafkaAdmin(
    createKafkaClient({ KAFKA_BROKERS: kafkaBrokers(), KAFKA_SSL: false }, 'meshtrail-test-teardown'),
  );
  try {
    const prefix = testTopicPrefixOf(runId);
    await admin.deleteTopics((await admin.topics()).filter((topic) => topic.startsWith(prefix)));
  } finally {
    await admin.close();
  }
}
