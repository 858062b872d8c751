import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import {
  checkpointLines,
  parseCheckpointLines,
  parseTrailLine,
  publicKeyFiles,
  TrailVerifier,
  trailExportLines,
  verifyDatabase,
  type VerifyReport,
} from '@meshtrail/trail-proof';
import { withAdminDatabase } from './admin-database';
import type { AdminEnv } from './admin.env';
import { UsageError } from './usage-error';

export const VERIFY_USAGE = `  verify [--events <export.ndjson>] [--checkpoints <checkpoints.ndjson>] [--public-key [<id>=]<pem file>]... [--json]
                       prove the trail against its signed checkpoints: the database's, or (offline) an
                       NDJSON export with proof fields; exit 1 naming each problem
  checkpoints [--out <file>]          every checkpoint as NDJSON (the file verify --checkpoints reads)
  export-trail [--out <file>]         every audit event in commit order with its proof fields (NDJSON)`;

/** The public key `npm start` generated on this machine, used when no --public-key is given. */
function localPublicKey(): string | undefined {
  const dir = process.env.MESHTRAIL_CONFIG_DIR ?? join(homedir(), '.config', 'meshtrail');
  const path = join(dir, 'seal', 'public.pem');
  return existsSync(path) ? path : undefined;
}

export async function verifyCommand(env: AdminEnv, argv: string[]): Promise<VerifyReport> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      checkpoints: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const keySpecs = values['public-key'] ?? [localPublicKey()].filter((path): path is string => path !== undefined);
  if (keySpecs.length === 0) throw new UsageError('verify: name the trusted public key(s) with --public-key');
  const keys = publicKeyFiles(keySpecs);
  const checkpoints = values.checkpoints
    ? parseCheckpointLines(readFileSync(values.checkpoints, 'utf8').split('\n'))
    : undefined;
  if (values.events) {
    if (!checkpoints) throw new UsageError('verify --events: name the checkpoints file with --checkpoints');
    const verifier = new TrailVerifier(checkpoints, keys);
    let lineNumber = 0;
    for await (const line of createInterface({ input: createReadStream(values.events), crlfDelay: Infinity })) {
      lineNumber++;
      if (line.trim() === '') continue;
      const entry = parseTrailLine(line);
      if (typeof entry === 'string') throw new UsageError(`verify: ${values.events} line ${lineNumber}: ${entry}`);
      verifier.add(entry);
    }
    return verifier.finish();
  }
  return withAdminDatabase(env, (database) =>
    database.withClient((session) => verifyDatabase(session, keys, checkpoints)),
  );
}

/** The report for a person: OK with the figures, or one line per problem. */
export function formatReport(report: VerifyReport): string {
  const figures = `${report.checkpoints} checkpoints, ${report.eventsVerified} events verified, ${report.eventsPurged} removed by signed purges, ${report.eventsUnsealed} not sealed yet`;
  if (report.ok) return `OK: ${figures}\n`;
  const lines = report.findings.map((finding) => `${finding.problem}: ${finding.message}`);
  return `FAILED: ${report.findings.length} problem(s); ${figures}\n${lines.join('\n')}\n`;
}

async function writeLines(out: string | undefined, produce: (write: (line: string) => Promise<void>) => Promise<void>) {
  const stream = out ? createWriteStream(out) : process.stdout;
  await produce(async (line) => {
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  });
  if (out)
    await new Promise((resolve, reject) =>
      (stream as ReturnType<typeof createWriteStream>).end(() => resolve(undefined)).on('error', reject),
    );
}

export async function checkpointsCommand(env: AdminEnv, argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: true });
  await withAdminDatabase(env, (database) =>
    database.withClient((session) =>
      writeLines(values.out, async (write) => {
        for await (const line of checkpointLines(session)) await write(line);
      }),
    ),
  );
}

export async function exportTrailCommand(env: AdminEnv, argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } }, strict: true });
  await withAdminDatabase(env, (database) =>
    database.withClient((session) =>
      writeLines(values.out, async (write) => {
        for await (const line of trailExportLines(session)) await write(line);
      }),
    ),
  );
}
