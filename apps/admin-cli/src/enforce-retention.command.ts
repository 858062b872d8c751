import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { TOPICS, prefixedTopic, retentionCommandMessage, type EnforceRetention } from '@meshtrail/contracts';
import { findRun, type RetentionRun } from '@meshtrail/retention';
import { withAdminDatabase } from './admin-database';
import type { AdminEnv } from './admin.env';
import { withProducer } from './command-producer';
import { UsageError } from './usage-error';

export const ENFORCE_RETENTION_USAGE = `  enforce-retention --by <operator> [--dry-run] [--no-wait] [--timeout <seconds>]
                     ask the retention service for a run now; waits for it and prints it as JSON`;

export interface EnforceRetentionResult {
  runId: string;
  dryRun: boolean;
  /** The recorded run, unless --no-wait. */
  run?: RetentionRun;
}

/**
 * Publishes an EnforceRetention command (the same path as the gateway's admin endpoint) and,
 * unless told not to, waits until a retention replica has recorded the run.
 */
export async function enforceRetentionCommand(env: AdminEnv, argv: string[]): Promise<EnforceRetentionResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      by: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '900' },
    },
    strict: true,
  });
  if (!values.by) throw new UsageError('enforce-retention: missing --by <operator>');
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
    throw new UsageError('enforce-retention: --timeout must be a whole number of seconds');
  }
  const command: EnforceRetention = {
    type: 'EnforceRetention',
    commandId: randomUUID(),
    dryRun: values['dry-run'] ?? false,
    requestedAt: new Date().toISOString(),
    requestedBy: { kind: 'user', id: values.by, displayName: values.by },
  };
  await withProducer(env, (producer) =>
    producer.send(prefixedTopic(TOPICS.retentionCommands, env.KAFKA_TOPIC_PREFIX), [retentionCommandMessage(command)]),
  );
  const result: EnforceRetentionResult = { runId: command.commandId, dryRun: command.dryRun };
  if (values['no-wait']) return result;
  return withAdminDatabase(env, async (database) => {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const run = await database.withClient((sql) => findRun(sql, command.commandId));
      if (run) return { ...result, run };
      if (Date.now() > deadline) {
        throw new Error(
          `run ${command.commandId} not recorded within ${timeoutSeconds} s: is the retention service up?`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  });
}
