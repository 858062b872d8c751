import path from 'node:path';
import { artifactsDir, launchBrowser, type TestBrowser } from '../support/browser';
import { LocalKeycloak, signInAtKeycloak, submitKeycloakLogin } from '../support/keycloak';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

interface TrailEvent {
  id: string;
  kind: string;
  time: string;
  action: string;
  objectType: string;
  actor: { id: string; name: string | null };
  change: string;
  sourceIp: string | null;
}

/**
 * The Keycloak event feed against a real Keycloak (scripts/keycloak-local.mjs, the realm of
 * deploy/keycloak/): what people do there reaches the trail through Keycloak's admin API, the
 * real broker and audit-ingest, and is read back through the gateway with a token Keycloak issued.
 */
describe('the Keycloak event feed (real Keycloak, real broker, real store, real gateway)', () => {
  let keycloak: LocalKeycloak;
  let stack: TestStack;
  let ingest: ServiceProcess;
  let gateway: ServiceProcess;
  let browser: TestBrowser | undefined;

  const ingestEnv = () => ({ ...stack.env, ...keycloak.feedEnv() });

  /** The trail's Keycloak events as an admin reads them through the API (newest first). */
  async function authEvents(filters: Record<string, string>): Promise<TrailEvent[]> {
    const token = await keycloak.accessToken('olivia');
    const query = new URLSearchParams({ kind: 'auth', limit: '1000', ...filters });
    const response = await fetch(`${gateway.url}/api/v1/events?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`GET /api/v1/events: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { events: TrailEvent[] }).events;
  }

  /** Keycloak event id → how often auth_events holds it. */
  async function storedCounts(): Promise<Map<string, number>> {
    const rows = await stack.query<{ id: string; n: string }>(
      'SELECT keycloak_event_id AS id, count(*)::text AS n FROM auth_events WHERE keycloak_event_id IS NOT NULL GROUP BY 1',
    );
    return new Map(rows.map((row) => [row.id, Number(row.n)]));
  }

  beforeAll(async () => {
    keycloak = await LocalKeycloak.start();
    stack = await createTestStack('keycloakfeed');
    ingest = await ServiceProcess.start('audit-ingest', ingestEnv());
    gateway = await ServiceProcess.start('gateway', { ...stack.env, AUTH_OIDC_ISSUER: keycloak.issuer });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await ingest?.stop();
    await stack?.teardown();
  });

  it('reports the feed in health', async () => {
    const health = await waitFor('the feed to have polled', async () => {
      const body = (await (await fetch(`${ingest.url}/actuator/health`)).json()) as {
        components: Record<string, { status: string; details: Record<string, unknown> }>;
      };
      return body.components.keycloakFeed?.details.lastPoll ? body.components.keycloakFeed : undefined;
    });
    expect(health).toMatchObject({ status: 'UP', details: { realms: ['meshtrail'] } });
  });

  it('a wrong password entered in Keycloak is a login_error in the trail, with the user and the address', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const refused = await keycloak.passwordGrant('max', 'not-max-password');
    const refusedAt = Date.now();
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_grant' } });
    const maxId = await keycloak.userId('max');
    const [event] = await waitFor(
      'the failed sign-in in the trail',
      async () => {
        const events = await authEvents({ actor: 'max', from: before });
        const errors = events.filter((e) => e.action === 'login_error');
        return errors.length > 0 && errors;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // a figure for the README, not an assertion: the deadline above is what must hold
    console.log(`login_error readable through the API ${Date.now() - refusedAt} ms after Keycloak refused`);
    expect(event).toMatchObject({
      kind: 'auth',
      objectType: 'KeycloakLogin',
      action: 'login_error',
      actor: { id: maxId, name: 'max' },
      sourceIp: '127.0.0.1',
    });
    expect(event.change).toContain('error invalid_user_credentials');
    expect(event.change).toContain('client meshtrail-cli');
  });

  it("a wrong password at Keycloak's login form shows on the Event Logs page as login_error, with the user and address", async () => {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const since = Math.floor(Date.now() / 1000) * 1000; // the page shows whole seconds
    // max mistypes his password at the form; then the admin signs in at the same browser
    await signInAtKeycloak(page, gateway.url, 'olivia', async (form) => {
      await submitKeycloakLogin(form, 'max', 'not-max-password');
      // Keycloak answers the failed attempt with its form again, at its authenticate address
      await form.waitForURL(/\/login-actions\/authenticate/);
    });
    const maxId = await keycloak.userId('max');
    // the filters as the page keeps them in its address: Actor max, Change invalid_user_credentials
    const filtered = `${gateway.url}/ui/?actor=max&change=invalid_user_credentials`;
    const row = await waitFor(
      'the failed sign-in on the page',
      async () => {
        await page.goto(filtered);
        // an empty answer shows no row: give the page a moment to render one, then look again later
        await page
          .locator('#rows tr[data-event-id]')
          .first()
          .waitFor({ timeout: 3000 })
          .catch(() => undefined);
        const cells = await page.$$eval('#rows tr[data-event-id]', (trs) =>
          trs.map((tr) =>
            Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) =>
              String(c.textContent ?? ''),
            ),
          ),
        );
        // this attempt, not one of an earlier run against the same Keycloak
        const shownTime = (c: string[]) => Date.parse(c[0].replace(' UTC', 'Z').replace(' ', 'T'));
        return cells.find(
          (c) => c[2] === 'login_error' && c[3].includes('client meshtrail-ui') && shownTime(c) >= since,
        );
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(row[2]).toBe('login_error');
    expect(row[3]).toContain('user max');
    expect(row[3]).toContain('from 127.0.0.1');
    expect(row[3]).toContain('error invalid_user_credentials');
    expect(row[5]).toBe(`max (${maxId})`);
    await page.screenshot({
      path: path.join(artifactsDir('keycloak-feed'), 'login-error-on-the-page.png'),
      fullPage: true,
    });
  });

  it('an admin giving a user a role, and taking it back, are admin events in the trail', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const maxId = await keycloak.userId('max');
    const role = await keycloak.adminApi<{ id: string; name: string }>('GET', '/roles/meshtrail-admin');
    const mapping = `/users/${maxId}/role-mappings/realm`;
    await keycloak.adminApi('POST', mapping, [role]);
    await keycloak.adminApi('DELETE', mapping, [role]);
    const events = await waitFor(
      'both role changes in the trail',
      async () => {
        const found = (await authEvents({ from: before })).filter(
          (e) => e.objectType === 'KeycloakAdmin' && e.change.includes(`resource users/${maxId}/role-mappings/realm`),
        );
        return found.length >= 2 && found;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(events.map((e) => e.action).sort()).toEqual(['create', 'delete']);
    const rows = await stack.query<{ details: Record<string, string> }>(
      `SELECT details FROM auth_events WHERE kind = 'admin' AND resource_path = $1 AND type = 'CREATE'`,
      [`users/${maxId}/role-mappings/realm`],
    );
    // the realm keeps admin event details: what was granted is in the trail
    expect(rows[0].details.representation).toContain('meshtrail-admin');
  });

  it('delivers every Keycloak event exactly once when the ingest crashes and restarts mid-stream', async () => {
    const signIns = 60;
    let done = 0;
    const storm = (async () => {
      for (; done < signIns; done++) {
        await keycloak.passwordGrant(done % 3 === 0 ? 'max' : 'olivia', done % 2 === 0 ? 'wrong-password' : 'x');
      }
    })();
    await waitFor('a third of the sign-ins to be attempted', () => done >= signIns / 3, { timeoutMs: 120_000 });
    // a crash: no chance to record what it published, so the restarted feed publishes some again
    await ingest.kill();
    await waitFor('two thirds of the sign-ins to be attempted', () => done >= (2 * signIns) / 3, {
      timeoutMs: 120_000,
    });
    ingest = await ServiceProcess.start('audit-ingest', ingestEnv());
    await storm;

    const expected = [...(await keycloak.storedEventIds('login')), ...(await keycloak.storedEventIds('admin'))];
    expect(expected.length).toBeGreaterThanOrEqual(signIns);
    const counts = await waitFor(
      'every Keycloak event in auth_events',
      async () => {
        const stored = await storedCounts();
        return expected.every((id) => stored.has(id)) && stored;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const twice = [...counts].filter(([, n]) => n !== 1);
    expect(twice).toEqual([]);
  });

  it('a feed that lost its position publishes everything again, and the trail still holds each event once', async () => {
    await ingest.stop();
    // the worst case: the feed's position and the ids it published are gone
    await stack.query('DELETE FROM keycloak_feed_seen');
    await stack.query('DELETE FROM keycloak_feed_positions');
    const before = await storedCounts();
    ingest = await ServiceProcess.start('audit-ingest', ingestEnv());
    // one new event after all the old ones: the feed reads oldest first and keys by realm (one partition)
    await keycloak.passwordGrant('ada', 'not-ada-password');
    const newest = await waitFor(
      'the new event stored after everything published again',
      async () => {
        const [latest] = await keycloak.adminApi<Array<{ id: string }>>('GET', '/events?type=LOGIN_ERROR&max=1');
        return (await storedCounts()).has(latest.id) && latest.id;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(before.has(newest)).toBe(false);
    const after = await storedCounts();
    expect([...after].filter(([, n]) => n !== 1)).toEqual([]);
    // nothing lost either: every event stored before is still there, once (besides the new ones,
    // such as the feed's own CLIENT_LOGIN when it fetched its token)
    expect([...before.keys()].filter((id) => !after.has(id))).toEqual([]);
    // they were published again (the feed forgot them) and skipped by the store
    const duplicates = () =>
      ingest.logs
        .filter((line) => line.message === 'Events Ingested')
        .reduce((sum, line) => sum + Number(line.duplicates ?? 0), 0);
    // the log line of the last batch may still be on its way from the process
    await waitFor(
      `the ingest to report ${before.size} duplicates (last: ${duplicates()})`,
      () => duplicates() >= before.size,
    );
  });

  it('says so in health, with the reason, when Keycloak refuses the feed', async () => {
    await ingest.stop();
    ingest = await ServiceProcess.start('audit-ingest', {
      ...ingestEnv(),
      KEYCLOAK_FEED_CLIENT_SECRET: 'not-the-secret',
      KEYCLOAK_FEED_DOWN_AFTER_SECONDS: '1',
    });
    const feed = await waitFor('the keycloakFeed component to be DOWN', async () => {
      const response = await fetch(`${ingest.url}/actuator/health`);
      const body = (await response.json()) as {
        components: Record<string, { status: string; details: Record<string, unknown> }>;
      };
      return (
        body.components.keycloakFeed?.status === 'DOWN' && { ...body.components.keycloakFeed, http: response.status }
      );
    });
    expect(feed.http).toBe(503);
    expect(String(feed.details.error)).toBe(
      'the token of client meshtrail-event-feed in realm meshtrail: Keycloak answered 401',
    );
    expect(ingest.logs.some((line) => line.message === 'Keycloak Feed Failed')).toBe(true);
  });
});
