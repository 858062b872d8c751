import { parseArgs } from 'node:util';
import { AuditEventPublisher } from '@meshtrail/contracts';
import { LegalHoldService, listHolds, type LegalHold } from '@meshtrail/retention';
import { withAdminDatabase } from './admin-database';
import type { AdminEnv } from './admin.env';
import { withProducer } from './command-producer';
import { UsageError } from './usage-error';

export const LEGAL_HOLD_USAGE = `  legal-hold place   --workspace <id> --reason <text> --by <operator>
  legal-hold release --workspace <id> --reason <text> --by <operator>
  legal-hold list    [--all]   holds in force (with --all: released ones too), as JSON`;

/** What the operator asked, and the result to print. */
export interface LegalHoldCommandResult {
  action: 'place' | 'release' | 'list';
  holds: LegalHold[];
}

/**
 * Places, releases or lists legal holds from the command line. The operator names themselves
 * with --by (the CLI runs with the database's credentials, so it trusts its operator); the
 * audit event records them as the actor.
 */
export async function legalHoldCommand(env: AdminEnv, argv: string[]): Promise<LegalHoldCommandResult> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      workspace: { type: 'string' },
      reason: { type: 'string' },
      by: { type: 'string' },
      all: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return withAdminDatabase(env, async (database) => {
    if (action === 'list') return { action, holds: await database.withClient((sql) => listHolds(sql, values.all)) };
    if (action !== 'place' && action !== 'release') {
      throw new UsageError(`legal-hold: unknown action ${JSON.stringify(action ?? '')} (place, release or list)`);
    }
    const missing = (['workspace', 'reason', 'by'] as const).filter((name) => !values[name]);
    if (missing.length > 0)
      throw new UsageError(`legal-hold ${action}: missing ${missing.map((m) => `--${m}`).join(', ')}`);
    return await withProducer(env, async (producer) => {
      const publisher = new AuditEventPublisher({
        sink: producer,
        source: 'meshtrail/admin-cli',
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
      });
      const holds = new LegalHoldService(
        (work) => database.withClient(work),
        (events) => publisher.publish(events),
      );
      const command = {
        workspace: values.workspace!,
        reason: values.reason!,
        by: { kind: 'user' as const, id: values.by!, name: values.by! },
      };
      return { action, holds: [action === 'place' ? await holds.place(command) : await holds.release(command)] };
    });
  });
}
