import 'reflect-metadata';
import { loadConfigOrExit } from '@meshtrail/config';
import { migrateDatabase } from '@meshtrail/database';
import { DEAD_LETTER_GONE } from '@meshtrail/dead-letters';
import { LegalHoldError } from '@meshtrail/retention';
import { AppLogger, configureLogging, logLevelFromName } from '@meshtrail/observability';
import { AdminEnv } from './admin.env';
import { createApiKeyCommand } from './create-api-key.command';
import { ENFORCE_RETENTION_USAGE, enforceRetentionCommand } from './enforce-retention.command';
import { LEGAL_HOLD_USAGE, legalHoldCommand } from './legal-hold.command';
import { provisionRolesCommand } from './provision-roles.command';
import { provisionTopicsCommand } from './provision-topics.command';
import { rebuildProjectionsCommand } from './rebuild-projections.command';
import { REPLAY_DEAD_LETTERS_USAGE, replayDeadLettersCommand } from './replay-dead-letters.command';
import { UsageError } from './usage-error';
import { checkpointsCommand, exportTrailCommand, formatReport, VERIFY_USAGE, verifyCommand } from './verify.command';

const USAGE = `usage: admin-cli <command>

  migrate              create the database if missing and apply pending migrations
  provision-roles      each service's login role with only its rights (run as the owner, after migrate)
  provision-topics     create the Kafka topics, grow partitions, apply retention
  setup                migrate, provision-roles, then provision-topics (what the start command and the deploy job run)
  rebuild-projections  rebuild workspace memberships and object counts from the audit event store
  create-api-key       --name <name> (--admin | [--read-all | --workspace <id>...] [--manage-keys])
                       [--expires-in-days <n>]: print a new API key once (its creation is audited)
${LEGAL_HOLD_USAGE}
${ENFORCE_RETENTION_USAGE}
${REPLAY_DEAD_LETTERS_USAGE}
${VERIFY_USAGE}
`;

/** Results of the operator's commands go to stdout as JSON (they may name people); logs stay free of them. */
function print(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

async function main(command: string | undefined, args: string[]): Promise<void> {
  const env = loadConfigOrExit('admin-cli', AdminEnv);
  // commands that print a result keep stdout for it (JSON a script can read); their logs go to stderr
  const printsResult = [
    'legal-hold',
    'enforce-retention',
    'replay-dead-letters',
    'verify',
    'checkpoints',
    'export-trail',
  ].includes(command ?? '');
  configureLogging({
    service: 'admin-cli',
    level: logLevelFromName(env.LOG_LEVEL),
    format: env.LOG_FORMAT,
    ...(printsResult ? { write: (line: string) => process.stderr.write(line) } : {}),
  });
  const logger = new AppLogger('AdminCli');
  const migrate = async () => logger.info('Database Migrated', { ...(await migrateDatabase(env.DATABASE_URL)) });
  const roles = async () => logger.info('Roles Provisioned', { ...(await provisionRolesCommand(env)) });
  const topics = async () => logger.info('Topics Provisioned', { ...(await provisionTopicsCommand(env)) });
  switch (command) {
    case 'migrate':
      return migrate();
    case 'provision-roles':
      return roles();
    case 'provision-topics':
      return topics();
    case 'rebuild-projections':
      return logger.info('Projections Rebuilt', { ...(await rebuildProjectionsCommand(env)) });
    case 'setup':
      await migrate();
      await roles();
      return topics();
    case 'create-api-key': {
      const created = await createApiKeyCommand(env, process.argv.slice(3));
      logger.info('Api Key Created', {
        keyId: created.id,
        admin: created.admin,
        manageKeys: created.manageKeys,
        workspaces: created.workspaces.length,
        expiresAt: created.expiresAt,
      });
      // the result of the command, not a log line: the only time the key is shown
      process.stdout.write(
        `${JSON.stringify({ id: created.id, name: created.name, key: created.key, expiresAt: created.expiresAt })}\n`,
      );
      return;
    }
    case 'legal-hold': {
      const result = await legalHoldCommand(env, args);
      if (result.action !== 'list') {
        logger.info(result.action === 'place' ? 'Legal Hold Placed' : 'Legal Hold Released', {
          holdId: result.holds[0].id,
          workspace: result.holds[0].workspace,
        });
      }
      return print(result.holds);
    }
    case 'enforce-retention':
      return print(await enforceRetentionCommand(env, args));
    case 'replay-dead-letters': {
      const result = await replayDeadLettersCommand(env, args);
      logger.info(result.dryRun ? 'Dead Letters Replay Dry Run' : 'Dead Letters Replayed', {
        replayId: result.replayId,
        matched: result.matched,
        replayed: result.replayed,
      });
      print(result);
      if (result.missing.length > 0) {
        // named dead letters that are gone: nothing was replayed for them, and the exit code says so
        process.stderr.write(
          `replay-dead-letters: no dead letter ${result.missing.join(', ')} (${DEAD_LETTER_GONE})\n`,
        );
        process.exitCode = 1;
      }
      return;
    }
    case 'verify': {
      const report = await verifyCommand(
        env,
        args.filter((arg) => arg !== '--json'),
      );
      process.stdout.write(args.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      logger.info(report.ok ? 'Trail Verified' : 'Trail Verification Failed', {
        checkpoints: report.checkpoints,
        problems: report.findings.length,
      });
      if (!report.ok) process.exitCode = 1;
      return;
    }
    case 'checkpoints':
      return checkpointsCommand(env, args);
    case 'export-trail':
      return exportTrailCommand(env, args);
    default:
      process.stderr.write(USAGE);
      process.exit(2);
  }
}

main(process.argv[2], process.argv.slice(3)).catch((error: unknown) => {
  const refused = error instanceof UsageError || error instanceof LegalHoldError;
  if (refused || String((error as { code?: string }).code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  new AppLogger('AdminCli').fatal('Command Failed', { command: process.argv[2], error: error as Error });
  process.exit(1);
});
