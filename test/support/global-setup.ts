import './register-paths';
import { migrateDatabase, provisionServiceRoles, serviceLogins, withDatabase } from '@meshtrail/database';
import { baseDatabaseUrl, templateDatabaseName, testRunId } from './run-id';

/**
 * Once per run: the broker answers (started when none runs), and a template database holds the
 * migrated schema and the services' grants, which every suite clones in well under a second
 * (grants are kept in the database, so each clone has them; the roles are the cluster's).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MESHTRAIL_TEST_TEMPLATE_URL) return; // the other real-stack project did it already
  const kafkaPort = Number(process.env.KAFKA_PORT ?? 9092);
  // a native import(): the script is an ES module shared with the plain-node start and test commands
  const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
  const kafkaLocal = (await importModule(require.resolve('../../scripts/kafka-local.mjs'))) as {
    startBroker(options: { port: number }): Promise<{ started: boolean }>;
  };
  if (!process.env.KAFKA_BROKERS) {
    await kafkaLocal.startBroker({ port: kafkaPort });
    process.env.KAFKA_BROKERS = `127.0.0.1:${kafkaPort}`;
  }
  const runId = testRunId();
  const templateUrl = withDatabase(baseDatabaseUrl(), templateDatabaseName(runId));
  await migrateDatabase(templateUrl);
  // the default role names, no passwords: the test server trusts local logins
  await provisionServiceRoles(templateUrl, serviceLogins({}));
  process.env.MESHTRAIL_TEST_TEMPLATE_URL = templateUrl;
}
