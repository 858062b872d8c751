import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthenticatingProxy } from '../support/authenticating-proxy';
import { ClientCredentialsIssuer } from '../support/client-credentials-issuer';
import { waitFor } from '../support/poll';
import { PrometheusServer } from '../support/prometheus';
import { relayToTestCenter } from '../support/relay-env';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

const CLIENT = 'acme-e2e';
const TOKEN_LIFETIME_SECONDS = 3;

interface Registration {
  status: string;
  details: {
    installation: string;
    credentials: string;
    registered: boolean;
    exchanges: number;
    lastError?: string;
    operationsCenter?: { status: string; description: string; minimums: Record<string, unknown>; statusCode: number };
  };
}

/**
 * The relay registers with OAuth 2.0 client credentials at a real token endpoint and delivers to
 * a center (Prometheus behind a proxy that verifies every token) that refuses anything else.
 * Tokens live three seconds: the relay renews them ahead of expiry, and fetches a new one when the
 * center revokes the current one, losing nothing.
 */
describe('telemetry relay registration with client credentials', () => {
  let stack: TestStack;
  let issuer: ClientCredentialsIssuer;
  let prometheus: PrometheusServer;
  let proxy: AuthenticatingProxy;
  let relay: ServiceProcess;
  let queueDir: string;

  const registration = async () =>
    ((await (await fetch(`${relay.url}/actuator/health`)).json()) as { components: { registration: Registration } })
      .components.registration;

  beforeAll(async () => {
    stack = await createTestStack('relayregistration');
    issuer = await ClientCredentialsIssuer.start({
      clients: { [CLIENT]: 'e2e-secret' },
      lifetimeSeconds: TOKEN_LIFETIME_SECONDS,
    });
    issuer.accepting = false; // the client is not registered at the center yet
    prometheus = await PrometheusServer.start();
    proxy = await AuthenticatingProxy.start({
      issuer: issuer.url,
      jwksUrl: issuer.jwksUrl,
      upstream: prometheus.writeUrl,
    });
    queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-relay-queue-'));
    relay = await ServiceProcess.start('telemetry-relay', {
      ...stack.env,
      ...relayToTestCenter(proxy.url, queueDir),
      TELEMETRY_OAUTH_URL: issuer.tokenUrl,
      TELEMETRY_OAUTH_CLIENT_ID: CLIENT,
      TELEMETRY_OAUTH_CLIENT_SECRET: 'e2e-secret',
      TELEMETRY_OAUTH_SCOPE: 'telemetry',
    });
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    await proxy?.close();
    await prometheus?.remove();
    await issuer?.close();
    await stack?.teardown();
    fs.rmSync(queueDir, { recursive: true, force: true });
  }, 60_000);

  it('warns at start that plain http is allowed, and reports itself not registered until a token exchange succeeds', async () => {
    expect(relay.logs.find((line) => line.message === 'Telemetry Insecure Transport')?.level).toBe('WARN');
    expect(relay.logs.find((line) => line.message === 'Telemetry Policy')).toMatchObject({
      installation: CLIENT,
      credentials: 'client credentials',
    });
    const before = await waitFor('the refused exchange in health', async () => {
      const component = await registration();
      return component.details.lastError ? component : undefined;
    });
    expect(before).toMatchObject({
      status: 'DOWN',
      details: {
        installation: CLIENT,
        registered: false,
        lastError: 'token endpoint refused the client: invalid_client',
      },
    });
    expect(proxy.accepted).toHaveLength(0);
    const registeredMetric = async () =>
      /^meshtrail_telemetry_relay_registered(?:\{[^}]*\})? (\d)/m.exec(
        await (await fetch(`${relay.url}/metrics`)).text(),
      )?.[1];
    expect(await registeredMetric()).toBe('0');

    issuer.accepting = true; // the center registered the client
    const after = await waitFor('registration', async () => {
      const component = await registration();
      return component.status === 'UP' ? component : undefined;
    });
    expect(after.details).toMatchObject({ registered: true, credentials: 'client credentials' });
    expect(after.details.lastError).toBeUndefined();
    expect(await registeredMetric()).toBe('1');
  });

  it('renews tokens before they expire and after a revocation, and delivers everything under the client as installation', async () => {
    await waitFor('the first token to be used', () => proxy.accepted.length > 0, { timeoutMs: 30_000 });
    const revokedToken = proxy.accepted[proxy.accepted.length - 1].token;
    proxy.revoke(revokedToken);
    // four lifetimes: each token renewed ahead of its expiry
    await waitFor('five tokens used at the center', () => new Set(proxy.accepted.map((a) => a.token)).size >= 5, {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    expect(new Set(proxy.accepted.map((accepted) => accepted.subject))).toEqual(new Set([CLIENT]));
    // the revoked token was refused (401, logged as failed and retried), and a fresh one delivered after it
    expect(proxy.refused).toContain('revoked');
    const [refusal] = await stack.query<{ sent_at: Date }>(
      `SELECT min(sent_at) AS sent_at FROM telemetry_transmissions WHERE status_code = 401 AND result = 'failed'`,
    );
    expect(refusal.sent_at).not.toBeNull();
    const [later] = await stack.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM telemetry_transmissions WHERE result = 'delivered' AND sent_at > $1`,
      [refusal.sent_at],
    );
    expect(Number(later.n)).toBeGreaterThan(0);

    // nothing lost: a segment leaves the queue only delivered, refused for good or dropped (each
    // logged); none was refused or dropped, and the queue holds no more than the last seconds' exchanges
    await waitFor(
      'the queue to hold only the latest exchanges',
      () => fs.readdirSync(queueDir).filter((name) => name.endsWith('.seg')).length <= 4,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const outcomes = await stack.query<{ result: string; status_code: number | null; n: string }>(
      `SELECT result, status_code, count(*)::text AS n FROM telemetry_transmissions GROUP BY result, status_code ORDER BY result`,
    );
    expect(outcomes.filter((row) => row.result === 'rejected' || row.result === 'dropped')).toEqual([]);
    expect(outcomes.find((row) => row.result === 'delivered')).toBeDefined();

    const heartbeats = await waitFor('heartbeats of the installation in Prometheus', async () => {
      const result = await prometheus.query(`count_over_time(meshtrail_heartbeat{installation="${CLIENT}"}[5m])`);
      return result.length > 0 && Number(result[0].value[1]) >= 5 ? result : undefined;
    });
    expect(heartbeats[0].metric.installation).toBe(CLIENT);
  });

  it("logs the center's answer to the health check and shows it in health", async () => {
    const answered = await relay.waitForLog('Operations Center Answered');
    expect(answered).toMatchObject({ status: 'ok', statusCode: 200, minimums: { relayVersion: '0.1.0' } });
    const component = await registration();
    expect(component.details.operationsCenter).toMatchObject({
      status: 'ok',
      statusCode: 200,
      description: `installation ${CLIENT} is known to the operations center`,
      minimums: { relayVersion: '0.1.0', heartbeatSeconds: 60 },
    });
  });
});
