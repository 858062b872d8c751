import { ConfigError, loadConfig } from '@meshtrail/config';
import { installationIdOf, TelemetryRelayEnv } from './telemetry-relay.env';
import { expectRecordedSettings } from '../../../test/support/recorded-settings';

function problems(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig('telemetry-relay', TelemetryRelayEnv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return Object.fromEntries(error.problems.map((p) => [p.variable, p.problems.join('; ')]));
  }
  return {};
}

describe('TelemetryRelayEnv', () => {
  it('defaults to nothing leaving until an endpoint is set, usage off, labels dropped', () => {
    const config = loadConfig('telemetry-relay', TelemetryRelayEnv, {});
    expect(config.TELEMETRY_ENDPOINT).toBeUndefined();
    expect(config.TELEMETRY_USAGE_ENABLED).toBe(false);
    expect(config.TELEMETRY_SCRUB_MODE).toBe('drop');
    expect(config.TELEMETRY_HEALTH_INTERVAL_MS).toBe(120_000);
    expect(config.TELEMETRY_DENY_LABELS).toContain('workspace');
  });

  it('refuses to switch off health or heartbeat, saying why', () => {
    expect(problems({ TELEMETRY_DISABLED_CATEGORIES: 'host,heartbeat' }).TELEMETRY_DISABLED_CATEGORIES).toBe(
      'heartbeat cannot be disabled: the operations center must always receive health and heartbeat',
    );
    expect(problems({ TELEMETRY_DISABLED_CATEGORIES: 'health' }).TELEMETRY_DISABLED_CATEGORIES).toContain(
      'health cannot be disabled',
    );
    expect(problems({ TELEMETRY_DISABLED_CATEGORIES: 'hosts' }).TELEMETRY_DISABLED_CATEGORIES).toContain(
      'must list categories from host, service, application, problems, usage',
    );
    expect(problems({ TELEMETRY_DISABLED_CATEGORIES: 'host, application' })).toEqual({});
  });

  it('requires an HMAC key of real length in hmac mode, and a usage endpoint when usage is on', () => {
    const found = problems({
      TELEMETRY_SCRUB_MODE: 'hmac',
      TELEMETRY_USAGE_ENABLED: 'true',
      TELEMETRY_PROTOCOL: 'grpc',
    });
    expect(found.TELEMETRY_HMAC_KEY).toContain('is required when TELEMETRY_SCRUB_MODE=hmac');
    expect(found.TELEMETRY_USAGE_ENDPOINT).toContain('required when TELEMETRY_USAGE_ENABLED=true');
    expect(found.TELEMETRY_PROTOCOL).toContain('must be one of otlp, remote-write');
    expect(problems({ TELEMETRY_SCRUB_MODE: 'hmac', TELEMETRY_HMAC_KEY: 'short' }).TELEMETRY_HMAC_KEY).toContain(
      'at least 32 characters',
    );
  });

  it('checks health targets and the endpoint URL', () => {
    const found = problems({
      TELEMETRY_HEALTH_TARGETS: 'gateway=http://127.0.0.1:8080,broken',
      TELEMETRY_ENDPOINT: 'ftp://x',
    });
    expect(found.TELEMETRY_HEALTH_TARGETS).toContain('name=http://host:port');
    expect(found.TELEMETRY_ENDPOINT).toContain('http:// or https://');
  });
});

describe('TelemetryRelayEnv: transport security and registration', () => {
  it('requires https:// for the center, the usage endpoint and the token endpoint unless TELEMETRY_ALLOW_INSECURE=true', () => {
    const plain = {
      TELEMETRY_ENDPOINT: 'http://ops.example.com',
      TELEMETRY_USAGE_ENABLED: 'true',
      TELEMETRY_USAGE_ENDPOINT: 'http://plausible.example.com',
      TELEMETRY_OAUTH_URL: 'http://idp.example.com/token',
      TELEMETRY_OAUTH_CLIENT_ID: 'acme-prod',
      TELEMETRY_OAUTH_CLIENT_SECRET: 's3cret',
    };
    const found = problems(plain);
    for (const variable of ['TELEMETRY_ENDPOINT', 'TELEMETRY_USAGE_ENDPOINT', 'TELEMETRY_OAUTH_URL'])
      expect(found[variable]).toContain('must be an https:// URL');
    expect(problems({ ...plain, TELEMETRY_ALLOW_INSECURE: 'true' })).toEqual({});
    expect(
      problems({
        ...plain,
        TELEMETRY_ENDPOINT: 'https://ops.example.com',
        TELEMETRY_USAGE_ENDPOINT: 'https://plausible.example.com',
        TELEMETRY_OAUTH_URL: 'https://idp.example.com/token',
      }),
    ).toEqual({});
  });

  it('takes the installation id from the client, and refuses a different one, a half configuration or a static token beside it', () => {
    const oauth = {
      TELEMETRY_OAUTH_URL: 'https://idp.example.com/token',
      TELEMETRY_OAUTH_CLIENT_ID: 'acme-prod',
      TELEMETRY_OAUTH_CLIENT_SECRET: 's3cret',
    };
    expect(installationIdOf(loadConfig('telemetry-relay', TelemetryRelayEnv, oauth))).toBe('acme-prod');
    expect(installationIdOf(loadConfig('telemetry-relay', TelemetryRelayEnv, {}))).toBe('local');
    expect(problems({ ...oauth, TELEMETRY_INSTALLATION_ID: 'other' }).TELEMETRY_INSTALLATION_ID).toContain(
      'equal TELEMETRY_OAUTH_CLIENT_ID',
    );
    expect(problems({ ...oauth, TELEMETRY_TOKEN: 'static' }).TELEMETRY_TOKEN).toContain('cannot be combined');
    const half = problems({ TELEMETRY_OAUTH_CLIENT_ID: 'acme-prod' });
    expect(half.TELEMETRY_OAUTH_URL).toContain('required with TELEMETRY_OAUTH_CLIENT_ID');
    expect(half.TELEMETRY_OAUTH_CLIENT_SECRET).toContain('is required with TELEMETRY_OAUTH_CLIENT_ID');
  });
});

describe("TelemetryRelayEnv.recordedSettings (the settings audit's allow-list)", () => {
  it('lists only variables of the class, never a secret', () => {
    expectRecordedSettings(TelemetryRelayEnv, {
      present: ['TELEMETRY_ENDPOINT', 'TELEMETRY_DISABLED_CATEGORIES'],
      secrets: ['TELEMETRY_TOKEN', 'TELEMETRY_HMAC_KEY', 'TELEMETRY_OAUTH_CLIENT_SECRET'],
    });
  });
});
