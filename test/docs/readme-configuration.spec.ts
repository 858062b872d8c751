import { envVariables, ServiceEnv, type EnvVariable } from '@meshtrail/config';
import { AccessLogEnv } from '../../apps/access-log/src/access-log.env';
import { AdminEnv } from '../../apps/admin-cli/src/admin.env';
import { AuditIngestEnv } from '../../apps/audit-ingest/src/audit-ingest.env';
import { GatewayEnv } from '../../apps/gateway/src/gateway.env';
import { RetentionEnv } from '../../apps/retention/src/retention.env';
import { TelemetryRelayEnv } from '../../apps/telemetry-relay/src/telemetry-relay.env';
import { codeSpans, readmeTable } from './readme-table';

/** Who reads configuration, as the README's "read by" column names them. */
const READERS: Record<string, new () => object> = {
  gateway: GatewayEnv,
  'audit-ingest': AuditIngestEnv,
  'access-log': AccessLogEnv,
  'telemetry-relay': TelemetryRelayEnv,
  retention: RetentionEnv,
  'admin CLI': AdminEnv,
};
const EVERYONE = 'every service, admin CLI';

/** Every variable, who reads it, and each reader's default. */
function variablesInCode(): Map<string, Map<string, EnvVariable['default']>> {
  const all = new Map<string, Map<string, EnvVariable['default']>>();
  for (const [reader, envClass] of Object.entries(READERS)) {
    for (const variable of envVariables(envClass)) {
      const readers = all.get(variable.name) ?? new Map();
      readers.set(reader, variable.default);
      all.set(variable.name, readers);
    }
  }
  return all;
}

describe('the README configuration reference', () => {
  const rows = new Map(
    readmeTable('### Configuration reference').map(([name, readBy, fallback]) => [
      codeSpans(name)[0],
      { readBy, fallback },
    ]),
  );
  const code = variablesInCode();
  const common = new Set(envVariables(ServiceEnv).map((v) => v.name));

  it('lists every variable of every env class, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual([...code.keys()].sort());
  });

  it('names who reads each variable', () => {
    for (const [name, readers] of code) {
      const expected = common.has(name) ? EVERYONE : [...readers.keys()].join(', ');
      expect({ name, readBy: rows.get(name)?.readBy }).toEqual({ name, readBy: expected });
    }
  });

  it("gives each variable's default as the code has it", () => {
    for (const [name, readers] of code) {
      const cell = rows.get(name)?.fallback ?? '';
      const defaults = new Set(readers.values());
      if (defaults.size > 1) {
        // differs per service (PORT): "gateway `8080`, audit-ingest `8081`, ..."
        for (const [reader, value] of readers) {
          if (reader === 'admin CLI') continue; // the CLI never listens
          expect({ name, cell }).toEqual({ name, cell: expect.stringContaining(`${reader} \`${value}\``) });
        }
        continue;
      }
      const [value] = defaults;
      if (value === undefined) expect({ name, cell }).toEqual({ name, cell: expect.stringMatching(/^—/) });
      else if (value === '') expect({ name, cell }).toEqual({ name, cell: 'empty' });
      else expect({ name, cell }).toEqual({ name, cell: `\`${value}\`` });
    }
  });
});
