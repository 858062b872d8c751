import 'reflect-metadata';
import { loadConfigOrExit } from '@meshtrail/config';
import { migrateDatabase } from '@meshtrail/database';
import { AppLogger, configureLogging, logLevelFromName } from '@meshtrail/observability';
import { AdminEnv } from './admin.env';
import { createApiKeyCommand } from './create-api-key.command';
import { provisionTopicsCommand } from './provision-topics.command';
import { rebuildProjectionsCommand } from './rebuild-projections.command';

const USAGE = `usage: admin-cli <command>

  migrate              create the database if missing and apply pending migrations
  provision-topics     create the Kafka topics, grow partitions, apply retention
  setup                migrate, then provision-topics (what the start command and the deploy job run)
  rebuild-projections  rebuild workspace memberships and object counts from the audit event store
  create-api-key       --name <name> (--admin | --workspace <id>...): print a new API key once
`;

async function main(command: string | undefined): Promise<void> {
  const env = loadConfigOrExit('admin-cli', AdminEnv);
  configureLogging({ service: 'admin-cli', level: logLevelFromName(env.LOG_LEVEL), format: env.LOG_FORMAT });
  const logger = new AppLogger('AdminCli');
  const migrate = async () => logger.info('Database Migrated', { ...(await migrateDatabase(env.DATABASE_URL)) });
  const topics = async () => logger.info('Topics Provisioned', { ...(await provisionTopicsCommand(env)) });
  switch (command) {
    case 'migrate':
      return migrate();
    case 'provision-topics':
      return topics();
    case 'rebuild-projections':
      return logger.info('Projections Rebuilt', { ...(await rebuildProjectionsCommand(env)) });
    case 'setup':
      await migrate();
      return topics();
    case 'create-api-key': {
      const created = await createApiKeyCommand(env.DATABASE_URL, process.argv.slice(3));
      logger.info('Api Key Created', {
        keyId: created.id,
        admin: created.admin,
        workspaces: created.workspaces.length,
      });
      // the result of the command, not a log line: the only time the key is shown
      process.stdout.write(`${JSON.stringify({ id: created.id, name: created.name, key: created.key })}\n`);
      return;
    }
    default:
      process.stderr.write(USAGE);
      process.exit(2);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  new AppLogger('AdminCli').fatal('Command Failed', { command: process.argv[2], error: error as Error });
  process.exit(1);
});
