import { parseArgs } from 'node:util';
import { AuditEventPublisher } from '@meshtrail/contracts';
import {
  DEAD_LETTER_ID,
  parseInstant,
  replayDeadLetters,
  storedTopic,
  type DeadLetterFilters,
  type ReplayResult,
} from '@meshtrail/dead-letters';
import { withAdminDatabase } from './admin-database';
import type { AdminEnv } from './admin.env';
import { withProducer } from './command-producer';
import { UsageError } from './usage-error';

export const REPLAY_DEAD_LETTERS_USAGE = `  replay-dead-letters --by <operator> [--topic <topic>] [--reason <code>] [--since <time>] [--until <time>]
                      [--id <id>]... [--limit <n>] [--dry-run]
                     republish dead letters to their source topics (never replayed ones, unless --id
                     names them), mark them replayed and audit it; prints the result as JSON`;

export interface ReplayArguments {
  filters: DeadLetterFilters;
  by?: string;
  dryRun: boolean;
  limit: number;
}

/** The command line as filters; a UsageError names what is wrong. */
export function parseReplayArguments(argv: string[], topicPrefix: string): ReplayArguments {
  const { values } = parseArgs({
    args: argv,
    options: {
      by: { type: 'string' },
      topic: { type: 'string' },
      reason: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      id: { type: 'string', multiple: true },
      limit: { type: 'string', default: '1000' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const filters: DeadLetterFilters = {};
  if (values.topic !== undefined) filters.topic = storedTopic(values.topic, topicPrefix);
  if (values.reason !== undefined) filters.reason = values.reason;
  for (const name of ['since', 'until'] as const) {
    const text = values[name];
    if (text === undefined) continue;
    const time = parseInstant(text);
    if (!time)
      throw new UsageError(
        `replay-dead-letters: --${name} must be an RFC 3339 time with a zone, e.g. 2026-11-23T10:15:00Z`,
      );
    filters[name] = time;
  }
  if (filters.since && filters.until && filters.since >= filters.until) {
    throw new UsageError('replay-dead-letters: --until must be after --since');
  }
  if (values.id !== undefined) {
    const bad = values.id.find((id) => !DEAD_LETTER_ID.test(id));
    if (bad !== undefined)
      throw new UsageError(`replay-dead-letters: --id ${JSON.stringify(bad)} is not a dead letter id`);
    filters.ids = values.id;
  }
  const limit = Number(values.limit);
  if (!/^\d+$/.test(values.limit) || limit < 1 || limit > 100_000) {
    throw new UsageError('replay-dead-letters: --limit must be a whole number from 1 to 100000');
  }
  const dryRun = values['dry-run'];
  if (!dryRun && !values.by)
    throw new UsageError('replay-dead-letters: missing --by <operator> (the audit names them)');
  return { filters, by: values.by, dryRun, limit };
}

/**
 * Replays dead letters from the command line. The operator names themselves with --by (the CLI
 * runs with the database's credentials, so it trusts its operator); the audit event records them.
 */
export async function replayDeadLettersCommand(env: AdminEnv, argv: string[]): Promise<ReplayResult> {
  const args = parseReplayArguments(argv, env.KAFKA_TOPIC_PREFIX);
  return withAdminDatabase(env, (database) =>
    withProducer(env, (producer) => {
      const audit = new AuditEventPublisher({
        sink: producer,
        source: 'meshtrail/admin-cli',
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
      });
      const by = args.by ?? 'dry-run';
      return replayDeadLetters(
        { filters: args.filters, dryRun: args.dryRun, limit: args.limit, by: { kind: 'user', id: by, name: by } },
        {
          sql: database,
          publish: (topic, messages) => producer.send(topic, messages),
          audit: (events) => audit.publish(events),
        },
      );
    }),
  );
}
