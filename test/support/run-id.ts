import { randomBytes } from 'node:crypto';

/**
 * Identifies one test run. Every database and topic the run creates carries it, so concurrent
 * runs (two developers, CI and a developer) never share state, and teardown finds what to remove.
 */
export function testRunId(): string {
  process.env.MESHTRAIL_TEST_RUN_ID ??= randomBytes(4).toString('hex');
  return process.env.MESHTRAIL_TEST_RUN_ID;
}

export const TEST_DATABASE_PREFIX = 'meshtrail_test_';

export function templateDatabaseName(runId: string): string {
  return `${TEST_DATABASE_PREFIX}${runId}_template`;
}

/** The server the tests use; its database part is replaced per suite. */
export function baseDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`).split(',');
}
