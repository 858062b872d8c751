import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { startTrailServices, type TrailServices } from '../support/trail-services';

interface EventView {
  objectType: string;
  objectId: string;
  action: string;
  workspace: string | null;
  actor: { kind: string; id: string };
  change: string;
  changes: Array<{ field: string; from?: unknown; to?: unknown }>;
}

const SECRETS = {
  QUERY_CURSOR_SECRET: 'cursor-secret-never-recorded-0123456789',
  KAFKA_SASL_PASSWORD: 'sasl-never-recorded',
};

/**
 * Settings are audited: a service records its non-secret settings at start, and a restart with
 * other settings puts the difference in the global trail; switching access logging off is also a
 * WARN line. Against the real gateway (restarted), audit-ingest and broker.
 */
describe('the settings audit: a changed setting is in the trail after a restart', () => {
  let services: TrailServices;

  beforeAll(async () => {
    services = await startTrailServices('settingsaudit', {
      ownedWorkspace: 'ws-1',
      gatewayEnv: { SETTINGS_AUDIT_ENABLED: 'true', ...SECRETS },
    });
  });
  afterAll(() => services?.stop());

  const settingsEvents = async (who: 'admin' | 'owner'): Promise<EventView[]> => {
    const response = await fetch(`${services.gateway.url}/api/v1/events?limit=1000`, {
      headers: { authorization: `Bearer ${services.tokens[who]}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { events: EventView[] }).events.filter(
      (e) => e.objectType === 'ServiceSettings' && e.objectId === 'gateway',
    );
  };

  it('records the first start, then the difference after a restart with access logging off, never a secret', async () => {
    const [first] = await waitFor('the first record of the gateway settings', async () => {
      const events = await settingsEvents('admin');
      return events.length > 0 && events;
    });
    expect(first).toMatchObject({ action: 'created', workspace: null, actor: { kind: 'system', id: 'gateway' } });
    expect(first.changes).toContainEqual({ field: 'ACCESS_LOG_ENABLED', from: null, to: 'true' });

    await services.gateway.stop();
    services.gateway = await ServiceProcess.start('gateway', {
      ...services.gatewayEnv,
      ACCESS_LOG_ENABLED: 'false',
      API_KEY_MAX_DAYS: '120',
    });
    expect(services.gateway.logs).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'Safeguard Off', safeguard: 'access-logging' }),
    );

    const changed = await waitFor('the changed settings in the trail', async () => {
      const found = (await settingsEvents('admin')).find((e) => e.action === 'updated');
      return found;
    });
    expect(changed.changes).toEqual([
      { field: 'ACCESS_LOG_ENABLED', from: 'true', to: 'false' },
      { field: 'API_KEY_MAX_DAYS', from: '365', to: '120' },
      { field: 'safeguardsTurnedOff', to: ['access-logging'] },
    ]);
    expect(changed.change).toContain('access logging is off');
    await waitFor('the WARN line of the switch', () =>
      services.gateway.logs.some((line) => line.level === 'WARN' && line.message === 'Safeguard Turned Off'),
    );

    // global: the workspace owner sees none of it; and no secret anywhere in it
    expect(await settingsEvents('owner')).toEqual([]);
    const stored = await services.stack.query<{ event: unknown }>(
      `SELECT event FROM audit_events WHERE object_type = 'ServiceSettings'`,
    );
    const text = JSON.stringify(stored);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toContain('QUERY_CURSOR_SECRET');
  });

  it('records nothing new when a restart changes nothing', async () => {
    const before = (await settingsEvents('admin')).length;
    const env = { ...services.gatewayEnv, ACCESS_LOG_ENABLED: 'false', API_KEY_MAX_DAYS: '120' };
    await services.gateway.stop();
    services.gateway = await ServiceProcess.start('gateway', env);
    await waitFor('the recorder to compare', () =>
      services.gateway.logs.some((line) => line.message === 'Settings Unchanged'),
    );
    const [row] = await services.stack.query<{ settings: Record<string, string> }>(
      `SELECT settings FROM service_settings WHERE service = 'gateway'`,
    );
    expect(row.settings).toMatchObject({ ACCESS_LOG_ENABLED: 'false', API_KEY_MAX_DAYS: '120' });
    expect(await settingsEvents('admin')).toHaveLength(before);
  });

  it('says in health when the settings cannot be recorded, and why, until a retry records them', async () => {
    const settingsHealth = async () => {
      const response = await fetch(`${services.gateway.url}/actuator/health`);
      const body = (await response.json()) as {
        components: Record<string, { status: string; details?: { recorded?: boolean; reason?: string } }>;
      };
      return body.components.settingsAudit;
    };
    expect(await settingsHealth()).toMatchObject({ status: 'UP', details: { enabled: true, recorded: true } });

    // the table out of reach (as a lost grant would leave it) while the gateway starts with other settings
    await services.stack.query('ALTER TABLE service_settings RENAME TO service_settings_away');
    try {
      await services.gateway.stop();
      services.gateway = await ServiceProcess.start('gateway', { ...services.gatewayEnv, API_KEY_MAX_DAYS: '90' });
      const down = await waitFor('the settingsAudit component DOWN', async () => {
        const component = await settingsHealth();
        return component?.status === 'DOWN' && component;
      });
      expect(down.details).toMatchObject({
        recorded: false,
        problem: { type: 'settings_not_recorded', severity: 'warning' },
      });
      expect(down.details?.reason).toContain('service_settings');
      // out of readiness: the gateway serves while its settings are not on record
      expect((await fetch(`${services.gateway.url}/actuator/health/readiness`)).status).toBe(200);
    } finally {
      await services.stack.query('ALTER TABLE service_settings_away RENAME TO service_settings');
    }
    // the next retry (every 30 s) records them
    await waitFor(
      'the settings recorded by a retry',
      async () => (await settingsHealth())?.details?.recorded === true,
      { timeoutMs: 45_000 },
    );
    const [row] = await services.stack.query<{ settings: Record<string, string> }>(
      `SELECT settings FROM service_settings WHERE service = 'gateway'`,
    );
    expect(row.settings.API_KEY_MAX_DAYS).toBe('90');
  }, 120_000);
});
