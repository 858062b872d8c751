// The local stack's database logins: each service its own role (as in a deployment), with a
// password made once per machine and kept outside the repository, reused by every `npm start`.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

function passwordsPath() {
  const dir = process.env.MESHTRAIL_CONFIG_DIR ?? path.join(os.homedir(), '.config', 'meshtrail');
  return path.join(dir, 'database-roles.json');
}

/** { service: password }, generated on first use. */
function localPasswords(services) {
  const file = passwordsPath();
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const made = Object.fromEntries(services.map((service) => [service, randomBytes(24).toString('hex')]));
    try {
      // exclusively: a second start racing this one keeps the first passwords
      fs.writeFileSync(file, JSON.stringify(made, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const service of services) stored[service] ??= randomBytes(24).toString('hex');
  fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return stored;
}

/**
 * Each service's DATABASE_URL, and the variables the admin CLI's setup makes their roles from.
 * A service URL already in the environment (GATEWAY_DATABASE_URL, ...) is used as it is. Reads
 * the role table from the build, so it names the same roles as the code.
 */
export function serviceDatabaseUrls(root, ownerUrl, env) {
  const require = createRequire(import.meta.url);
  const { SERVICE_ROLES, serviceDatabaseUrl } = require(
    path.join(root, 'dist/libs/database/src/roles/service-roles.js'),
  );
  const passwords = localPasswords(SERVICE_ROLES.map((role) => role.service));
  const byService = {};
  const setupEnv = {};
  for (const { service, urlVariable } of SERVICE_ROLES) {
    const url = env[urlVariable] || serviceDatabaseUrl(ownerUrl, service, passwords[service]);
    byService[service] = url;
    setupEnv[urlVariable] = url;
  }
  return { byService, setupEnv };
}
