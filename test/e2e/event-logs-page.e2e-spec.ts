/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// the page.evaluate callbacks run in the browser
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Client } from 'pg';
import { sealNext, signerFromPem } from '@meshtrail/trail-proof';
import { storeAuditEvents, type FixtureEvent } from '../support/audit-events';
import { artifactsDir, launchBrowser, type TestBrowser } from '../support/browser';
import { LocalKeycloak, signInAtKeycloak } from '../support/keycloak';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';
import { asSuperuser } from '../support/as-superuser';

const SHOTS = artifactsDir('event-logs-page');
const PAGE_SIZE = 25;

const anna = { kind: 'user' as const, id: 'u-anna', displayName: 'Anna Admin' };
const max = { kind: 'user' as const, id: 'u-max', displayName: 'Max Owner' };
const at = (day: number, minute: number) => new Date(Date.UTC(2026, 2, day, 9, minute));

/**
 * The trail the page is tested on: 50 project updates in ws-1 and 20 in ws-2 to page through,
 * then the events behind the issue's three questions (newest), each with a near miss that the
 * filter must leave out.
 */
function trail(): FixtureEvent[] {
  const events: FixtureEvent[] = [];
  for (let i = 0; i < 50; i++) {
    events.push({
      id: `ws1-app-${i}`,
      time: at(1, i),
      workspace: 'ws-1',
      objectType: 'Project',
      objectId: `app-${i}`,
      objectName: `app-${i}`,
      action: 'updated',
      actor: max,
      change: `changed the quota of app-${i} to ${i}`,
      changes: [{ field: 'quota', from: i - 1, to: i }],
    });
  }
  for (let i = 0; i < 20; i++) {
    events.push({
      id: `ws2-svc-${i}`,
      time: at(2, i),
      workspace: 'ws-2',
      objectType: 'Project',
      objectId: `svc-${i}`,
      objectName: `svc-${i}`,
      action: 'updated',
      actor: anna,
      change: `changed the quota of svc-${i} to ${i}`,
    });
  }
  const special: Array<Omit<FixtureEvent, 'time'>> = [
    {
      id: 'ws1-payments-created',
      workspace: 'ws-1',
      objectType: 'Project',
      objectId: 'p-pay-1',
      objectName: 'payments-prod',
      action: 'created',
      actor: anna,
      change: 'created project payments-prod',
    },
    {
      id: 'ws1-payments-updated',
      workspace: 'ws-1',
      objectType: 'Project',
      objectId: 'p-pay-1',
      objectName: 'payments-prod',
      action: 'updated',
      actor: max,
      change: 'changed the cost centre of payments-prod',
      changes: [{ field: 'costCentre', from: 'CC-1', to: 'CC-2' }],
    },
    {
      id: 'ws2-payments-created',
      workspace: 'ws-2',
      objectType: 'Project',
      objectId: 'p-pay-2',
      objectName: 'payments-prod',
      action: 'created',
      actor: anna,
      change: 'created project payments-prod',
    },
    {
      id: 'ws1-jane-granted',
      workspace: 'ws-1',
      objectType: 'WorkspaceAccess',
      objectId: 'jane',
      objectName: 'jane@example.com',
      action: 'granted',
      actor: anna,
      change: 'added jane@example.com as Workspace Manager',
      changes: [{ field: 'role', from: null, to: 'Workspace Manager' }],
    },
    {
      id: 'ws1-jane-revoked',
      workspace: 'ws-1',
      objectType: 'WorkspaceAccess',
      objectId: 'jane',
      objectName: 'jane@example.com',
      action: 'revoked',
      actor: anna,
      change: 'removed jane@example.com as Workspace Manager',
      changes: [{ field: 'role', from: 'Workspace Manager', to: null }],
    },
    {
      id: 'ws2-jane-revoked',
      workspace: 'ws-2',
      objectType: 'WorkspaceAccess',
      objectId: 'jane',
      objectName: 'jane@example.com',
      action: 'revoked',
      actor: anna,
      change: 'removed jane@example.com as Workspace Owner',
      changes: [{ field: 'role', from: 'Workspace Owner', to: null }],
    },
    {
      id: 'lz-created',
      workspace: null,
      objectType: 'LandingZone',
      objectId: 'lz-cf',
      objectName: 'Cloud Foundation',
      action: 'created',
      actor: anna,
      change: 'created landing zone Cloud Foundation',
    },
    {
      id: 'lz-updated',
      workspace: null,
      objectType: 'LandingZone',
      objectId: 'lz-cf',
      objectName: 'Cloud Foundation',
      action: 'updated',
      actor: anna,
      change: 'changed the platform of landing zone Cloud Foundation',
      changes: [
        { field: 'platform', from: 'Azure', to: 'AWS' },
        { field: 'tags', from: { env: 'dev' }, to: { env: 'prod' } },
      ],
    },
  ];
  special.forEach((event, i) => events.push({ ...event, time: at(5, i) }));
  return events;
}

const LABELS = { time: 'Time', event: 'Event', type: 'Type', change: 'Change', workspace: 'Workspace', actor: 'Actor' };
type Column = keyof typeof LABELS;

interface Row {
  id: string;
  cells: string[];
}

async function rows(page: Page): Promise<Row[]> {
  return page.$$eval('#rows tr[data-event-id]', (trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-event-id') ?? '',
      cells: [...(tr as HTMLTableRowElement).cells].slice(0, 6).map((cell) => cell.textContent ?? ''),
    })),
  );
}

/** Waits until the table shows exactly these events, in this order. */
async function expectRows(page: Page, ids: string[]): Promise<Row[]> {
  return waitFor(`the table to show ${ids.join(', ') || 'no events'}`, async () => {
    const shown = await rows(page);
    return JSON.stringify(shown.map((r) => r.id)) === JSON.stringify(ids) && shown;
  });
}

/** Types into the filter under each column heading (by its label) and submits with the Enter key. */
async function filter(page: Page, values: Partial<Record<Column, string>>): Promise<void> {
  for (const [column, label] of Object.entries(LABELS)) {
    await page.getByLabel(`${label} filter`).fill(values[column as Column] ?? '');
  }
  await page.getByLabel('Event filter').press('Enter');
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe('the Event Logs page in a real browser (chromium headless, real gateway, real store, PKCE sign-in at a real Keycloak)', () => {
  let stack: TestStack;
  let keycloak: LocalKeycloak;
  let gateway: ServiceProcess;
  let browser: TestBrowser;
  let page: Page;
  const events = trail();
  /** Newest first, as the table shows them. */
  const newestFirst = (predicate: (e: FixtureEvent) => boolean) =>
    [...events]
      .sort((a, b) => +new Date(b.time) - +new Date(a.time))
      .filter(predicate)
      .map((e) => e.id!);

  const signIn = (login: string) => signInAtKeycloak(page, gateway.url, login);

  /** The authorization codes Keycloak exchanged for the page's client (meshtrail-ui) for this person since `since`. */
  async function codeExchanges(login: string, since: number): Promise<number> {
    const user = await keycloak.userId(login);
    const events = await keycloak.adminApi<Array<{ time: number }>>(
      'GET',
      `/events?type=CODE_TO_TOKEN&client=meshtrail-ui&user=${user}&dateFrom=${since}`,
    );
    return events.length;
  }

  /** The page's session as the tab keeps it. */
  const storedSession = () =>
    page.evaluate(
      () => JSON.parse(sessionStorage.getItem('meshtrail.session') ?? 'null') as { accessToken: string } | null,
    );

  beforeAll(async () => {
    // the realm of deploy/keycloak/: olivia has meshtrail-admin, max the client role workspace:ws-1:owner
    keycloak = await LocalKeycloak.start();
    stack = await createTestStack('eventlogspage');
    await storeAuditEvents({ query: (sql, params) => stack.query(sql, params) }, events);
    // sealed as audit-ingest's sealer would, so the detail can show the seal and its proof
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const options = { signer: signerFromPem(stack.sealKey.privatePem), maxEvents: 50, now: () => new Date() };
      while ((await sealNext(db, options)).events > 0);
    } finally {
      await db.end();
    }
    gateway = await ServiceProcess.start('gateway', {
      ...stack.env,
      AUTH_OIDC_ISSUER: keycloak.issuer,
      AUDIT_SEAL_PUBLIC_KEYS: stack.sealKey.publicPem,
      QUERY_CURSOR_SECRET: 'e2e-page-cursor-secret-0123456789-abcdefghij',
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await stack?.teardown();
  });

  it('serves the page with its CSP and caching, and its sign-in configuration from the issuer', async () => {
    const html = await fetch(`${gateway.url}/ui/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const csp = html.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${new URL(keycloak.url).origin}`);
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(await html.text())![1];
    expect((await fetch(`${gateway.url}${script}`)).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    );
    const discovery = (await (await fetch(`${keycloak.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    expect(await (await fetch(`${gateway.url}/ui/config.json`)).json()).toEqual({
      oidc: {
        issuer: keycloak.issuer,
        clientId: 'meshtrail-ui',
        scope: 'openid profile',
        authorizationEndpoint: discovery.authorization_endpoint,
        tokenEndpoint: discovery.token_endpoint,
        endSessionEndpoint: discovery.end_session_endpoint,
      },
    });
  });

  it('signs the admin in with authorization code and PKCE, and shows every event newest first', async () => {
    const before = Date.now();
    await signIn('olivia');
    // Keycloak itself saw the code exchanged by the page's public client
    expect(await codeExchanges('olivia', before)).toBeGreaterThanOrEqual(1);
    await expectRows(page, newestFirst(() => true).slice(0, PAGE_SIZE));
    expect(await page.locator('#page-info').textContent()).toBe('Page 1 of 4');
    const [first] = await rows(page);
    expect(first.cells).toEqual([
      '2026-03-05 09:07:00 UTC',
      'LandingZone Cloud Foundation',
      'updated',
      'changed the platform of landing zone Cloud Foundation',
      'global',
      'Anna Admin (u-anna)',
    ]);
    await shot(page, '01-admin-signed-in');
  });

  it("keeps the session alive past the access token's lifetime by refreshing it", async () => {
    const first = (await storedSession())!.accessToken;
    const { exp } = JSON.parse(Buffer.from(first.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
    // past the first token's expiry and the gateway's clock tolerance (AUTH_OIDC_CLOCK_TOLERANCE_S, 30 s)
    await waitFor('the first access token to be long expired', () => Date.now() > (exp + 31) * 1000, {
      timeoutMs: 180_000,
      intervalMs: 1000,
    });
    const current = (await storedSession())?.accessToken;
    expect(current).toBeDefined();
    expect(current).not.toBe(first);
    // the page still reads with its refreshed token: no sign-in screen, rows shown
    await filter(page, { event: 'Landing Zone', type: 'change' });
    await expectRows(page, ['lz-updated']);
    expect(await page.locator('#session-name').textContent()).toBe('olivia');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(false);
  }, 240_000);

  it("finds the project's creation: its name in Event, created in Type", async () => {
    await filter(page, { event: 'payments-prod', type: 'created' });
    await expectRows(page, ['ws2-payments-created', 'ws1-payments-created']);
    expect(page.url()).toContain('?event=payments-prod&type=created');
    await shot(page, '02-filter-project-created');
  });

  it("finds a user's removal from a workspace: their name in Change, the workspace, remove in Type", async () => {
    await filter(page, { change: 'jane@example.com', workspace: 'ws-1', type: 'remove' });
    const [row] = await expectRows(page, ['ws1-jane-revoked']);
    expect(row.cells.slice(1)).toEqual([
      'WorkspaceAccess jane@example.com',
      'revoked',
      'removed jane@example.com as Workspace Manager',
      'ws-1',
      'Anna Admin (u-anna)',
    ]);
    await shot(page, '03-filter-user-removed');
  });

  it('finds changes to landing zones: Landing Zone in Event, change in Type', async () => {
    await filter(page, { event: 'Landing Zone', type: 'change' });
    await expectRows(page, ['lz-updated']);
    await shot(page, '04-filter-landing-zone-changed');
  });

  it('names the filter that is wrong, at its column', async () => {
    await filter(page, { type: 'exploded' });
    await waitFor('the Type filter to be marked invalid', async () =>
      (await page.getByLabel('Type filter').getAttribute('aria-invalid')) === 'true' ? true : undefined,
    );
    expect(await page.locator('#problem-type').textContent()).toContain('unknown action "exploded"');
    await expectRows(page, []);
  });

  it('opens the detail with the structured diff from the keyboard, and returns focus on Escape', async () => {
    await filter(page, { event: 'Landing Zone', type: 'change' });
    await expectRows(page, ['lz-updated']);
    const details = page.getByRole('button', { name: /^Details of LandingZone Cloud Foundation updated/ });
    await details.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'LandingZone Cloud Foundation updated' });
    await dialog.waitFor();
    await waitFor('the diff to be shown', async () => (await dialog.locator('table.diff tbody tr').count()) === 2);
    const diff = await dialog
      .locator('table.diff tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent)));
    expect(diff).toEqual([
      ['platform', 'Azure', 'AWS'],
      ['tags', '{"env":"dev"}', '{"env":"prod"}'],
    ]);
    expect(await dialog.textContent()).toContain('meshstack.landingzone.updated');
    const seal = dialog.locator('#detail-seal');
    await waitFor('the seal to be shown', async () => (await seal.getAttribute('data-state')) === 'verified');
    expect(await seal.textContent()).toMatch(
      /^Sealed in checkpoint \d+ \(leaf \d+ of \d+, .*\); proof verified by the gateway$/,
    );
    expect(page.url()).toContain('detail=lz-updated');
    await shot(page, '05-event-detail');
    await page.keyboard.press('Escape');
    await waitFor('the dialog to close and focus to return', async () =>
      (await page.evaluate(
        () =>
          !document.querySelector('dialog')!.open &&
          !window.location.search.includes('detail=') &&
          document.activeElement?.className,
      )) === 'details'
        ? true
        : undefined,
    );
  });

  it("opens a detail by clicking its row, and closes it with the browser's Back button", async () => {
    await page.locator('#rows tr[data-event-id="lz-updated"] td').nth(3).click();
    await page.getByRole('dialog', { name: 'LandingZone Cloud Foundation updated' }).waitFor();
    expect(page.url()).toContain('detail=lz-updated');
    await page.goBack();
    await waitFor(
      'the dialog to close',
      async () => (await page.evaluate(() => !document.querySelector('dialog')!.open)) || undefined,
    );
    expect(page.url()).not.toContain('detail=');
    await expectRows(page, ['lz-updated']);
  });

  it('exports the current filter to CSV through the API', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^meshtrail-events-.*\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(2); // the header and the one landing zone change
    expect(lines[1]).toContain('lz-updated');
    expect(lines[1]).toContain('Cloud Foundation');
  });

  it('pages through every event with next and previous', async () => {
    await filter(page, {});
    const all = newestFirst(() => true);
    await expectRows(page, all.slice(0, PAGE_SIZE));
    const next = page.getByRole('button', { name: 'Next page' });
    const previous = page.getByRole('button', { name: 'Previous page' });
    expect(await previous.isDisabled()).toBe(true);
    for (let index = 1; index * PAGE_SIZE < all.length; index++) {
      await next.click();
      await expectRows(page, all.slice(index * PAGE_SIZE, (index + 1) * PAGE_SIZE));
    }
    expect(await page.locator('#page-info').textContent()).toBe('Page 4 of 4');
    expect(await next.isDisabled()).toBe(true);
    await shot(page, '06-last-page');
    await previous.click();
    await expectRows(page, all.slice(2 * PAGE_SIZE, 3 * PAGE_SIZE));
    await previous.click();
    await previous.click();
    await expectRows(page, all.slice(0, PAGE_SIZE));
  });

  it('shows that the proof failed for an event altered after it was sealed', async () => {
    await asSuperuser(
      stack,
      `UPDATE audit_events SET event = jsonb_set(event, '{data,change}', '"nothing happened"') WHERE id = 'lz-created'`,
    );
    await page.goto(`${gateway.url}/ui/?detail=lz-created`);
    const seal = page.getByRole('dialog').locator('#detail-seal');
    await waitFor('the failed seal to be shown', async () => (await seal.getAttribute('data-state')) === 'failed');
    expect(await seal.textContent()).toContain('the stored event is not what was sealed');
    await shot(page, '05b-event-seal-failed');
    await page.keyboard.press('Escape');
  });

  it('opens an event from its address (a bookmarked detail)', async () => {
    await page.goto(`${gateway.url}/ui/?detail=ws2-payments-created`);
    const dialog = page.getByRole('dialog', { name: 'Project payments-prod created' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('ws-2');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  describe('a workspace owner', () => {
    const ws1 = newestFirst((e) => e.workspace === 'ws-1');

    it('signs in and sees only their workspace, on every page', async () => {
      const before = Date.now();
      await signIn('max');
      expect(await codeExchanges('max', before)).toBeGreaterThanOrEqual(1);
      await expectRows(page, ws1.slice(0, PAGE_SIZE));
      expect(await page.locator('#page-info').textContent()).toBe(`Page 1 of ${Math.ceil(ws1.length / PAGE_SIZE)}`);
      const seen: Row[] = [...(await rows(page))];
      for (let index = 1; index * PAGE_SIZE < ws1.length; index++) {
        await page.getByRole('button', { name: 'Next page' }).click();
        seen.push(...(await expectRows(page, ws1.slice(index * PAGE_SIZE, (index + 1) * PAGE_SIZE))));
      }
      expect(seen.map((r) => r.id)).toEqual(ws1);
      expect(new Set(seen.map((r) => r.cells[4]))).toEqual(new Set(['ws-1']));
      await page.getByLabel('Event filter').fill('payments-prod');
      await page.getByLabel('Type filter').fill('created');
      await page.getByLabel('Type filter').press('Enter');
      await expectRows(page, ['ws1-payments-created']);
      await shot(page, '07-owner-own-workspace');
    });

    it("cannot reach another workspace's events through the filter or the workspace's address", async () => {
      // in their workspace's view the Workspace filter holds that workspace
      const workspaceFilter = page.getByLabel('Workspace filter');
      expect(await workspaceFilter.inputValue()).toBe('ws-1');
      expect(await workspaceFilter.getAttribute('readonly')).not.toBeNull();
      await page.goto(`${gateway.url}/ui/workspaces/ws-2/compliance/event-logs`);
      await waitFor(
        'the refusal',
        async () =>
          ((await page.locator('#error').textContent()) ?? '').includes('You may not read these events') || undefined,
      );
      await expectRows(page, []);
      await shot(page, '08-owner-other-workspace-refused');
    });

    it("cannot reach another workspace's events by editing the address", async () => {
      await page.goto(`${gateway.url}/ui/?workspace=ws-2&type=created`);
      await waitFor(
        'the refusal',
        async () =>
          ((await page.locator('#error').textContent()) ?? '').includes('You may not read these events') || undefined,
      );
      await expectRows(page, []);

      await page.goto(`${gateway.url}/ui/?detail=ws2-payments-created`);
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await waitFor(
        'the detail to be refused',
        async () =>
          ((await dialog.textContent()) ?? '').includes('No such event, or not one you may read.') || undefined,
      );
      expect(await dialog.textContent()).not.toContain('p-pay-2');
      await shot(page, '09-owner-foreign-event-by-address');
      await page.keyboard.press('Escape');
      await expectRows(page, ws1.slice(0, PAGE_SIZE));
    });
  });

  it('ran without script errors or Content Security Policy violations', () => {
    const problems = browser.consoleErrors.filter((text) => !/status of (403|404|400)/.test(text));
    expect(problems).toEqual([]);
  });
});
