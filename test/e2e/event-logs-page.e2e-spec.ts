/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// the page.evaluate callbacks run in the browser
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Client } from 'pg';
import { sealNext, signerFromPem } from '@meshtrail/trail-proof';
import { accessibilityProblems } from '../support/accessibility';
import { projectWorkspaceNames, storeAuditEvents, type FixtureEvent } from '../support/audit-events';
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

const february = (day: number, hour = 9) => new Date(Date.UTC(2026, 1, day, hour, 0));

/**
 * The trail the page is tested on: the workspaces named (ws-1 created as Payments Crew and
 * renamed Payments Team, ws-2 Platform Team), 50 project updates in ws-1 and 20 in ws-2 to page
 * through, then the events behind the issue's three questions (newest), each with a near miss
 * that the filter must leave out.
 */
function trail(): FixtureEvent[] {
  const events: FixtureEvent[] = [
    {
      id: 'ws1-named',
      time: february(20),
      workspace: 'ws-1',
      objectType: 'Workspace',
      objectId: 'ws-1',
      objectName: 'Payments Crew',
      action: 'created',
      actor: anna,
      change: 'created workspace Payments Crew',
    },
    {
      id: 'ws2-named',
      time: february(20, 10),
      workspace: 'ws-2',
      objectType: 'Workspace',
      objectId: 'ws-2',
      objectName: 'Platform Team',
      action: 'created',
      actor: anna,
      change: 'created workspace Platform Team',
    },
    {
      id: 'ws1-renamed',
      time: february(21),
      workspace: 'ws-1',
      objectType: 'Workspace',
      objectId: 'ws-1',
      objectName: 'Payments Team',
      action: 'updated',
      actor: anna,
      change: 'renamed workspace Payments Crew to Payments Team',
      changes: [{ field: 'name', from: 'Payments Crew', to: 'Payments Team' }],
    },
  ];
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

/** The rows shown: each event's id and its cells' text (the Details button's cell left out). */
async function rows(page: Page): Promise<Row[]> {
  return page.$$eval('#rows tr[data-event-id]', (trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-event-id') ?? '',
      cells: [...(tr as HTMLTableRowElement).cells].slice(0, -1).map((cell) => cell.textContent ?? ''),
    })),
  );
}

/** Waits until the table shows exactly these events, in this order. */
async function expectRows(page: Page, ids: string[]): Promise<Row[]> {
  return waitFor(`the table to show ${ids.join(', ') || 'no events'}`, async () => {
    const shown = await rows(page);
    if (JSON.stringify(shown.map((r) => r.id)) === JSON.stringify(ids)) return shown;
    // what the page shows instead, for the failure's message
    const said = [await page.locator('#status').textContent(), await page.locator('#error').textContent()];
    throw new Error(`shown: ${shown.map((r) => r.id).join(', ') || 'none'}; the page says: ${said.join(' / ')}`);
  });
}

/**
 * Sets the filter under each column heading the view has (found by its label): types into the
 * text filters, then picks the Type from its select, which applies them all at once; when the
 * Type stays as it was, the Enter key applies them.
 */
async function filter(page: Page, values: Partial<Record<Column, string>>): Promise<void> {
  for (const [column, label] of Object.entries(LABELS)) {
    const input = page.getByLabel(`${label} filter`);
    if (column === 'type') continue;
    if (column === 'workspace' && (await input.count()) === 0) continue; // not in a workspace's view
    await input.fill(values[column as Column] ?? '');
  }
  const type = page.getByLabel('Type filter');
  if ((await type.inputValue()) !== (values.type ?? '')) await type.selectOption(values.type ?? '');
  else await page.getByLabel('Event filter').press('Enter');
}

const headings = (page: Page) => page.locator('#column-headings th').allTextContents();

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

  /** Signs `login` in at Keycloak, signing out first whoever is still signed in (after a failed test, say). */
  async function signIn(login: string): Promise<void> {
    await page.goto(`${gateway.url}/ui/`);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    await page.locator('#sign-out:visible, #sign-in-button:visible').first().waitFor();
    if (await signOut.isVisible()) {
      await signOut.click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    }
    await signInAtKeycloak(page, gateway.url, login);
  }

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
    // the realm of deploy/keycloak/: olivia has meshtrail-admin, max the client role workspace:ws-1:owner,
    // mia workspace:ws-1:manager, ada no meshtrail role at all
    keycloak = await LocalKeycloak.start();
    stack = await createTestStack('eventlogspage');
    await storeAuditEvents({ query: (sql, params) => stack.query(sql, params) }, events);
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      // the workspaces' names, as audit-ingest's projector folds them from the Workspace events
      await projectWorkspaceNames(db, events);
      // sealed as audit-ingest's sealer would, so the detail can show the seal and its proof
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

  it('has no serious or critical accessibility problems on the sign-in page', async () => {
    await page.goto(`${gateway.url}/ui/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it('signs the admin in with authorization code and PKCE, and shows every event newest first', async () => {
    const before = Date.now();
    await signIn('olivia');
    // Keycloak itself saw the code exchanged by the page's public client
    expect(await codeExchanges('olivia', before)).toBeGreaterThanOrEqual(1);
    await expectRows(page, newestFirst(() => true).slice(0, PAGE_SIZE));
    expect(await page.locator('#page-info').textContent()).toBe('Page 1 of 4');
    // the Admin Area's Compliance › Event Logs, every workspace's events
    expect(new URL(page.url()).pathname).toBe('/ui/admin/compliance/event-logs');
    expect(await page.locator('#view-title').textContent()).toBe('Compliance › Event Logs');
    expect(await headings(page)).toEqual(['Time', 'Event', 'Type', 'Change', 'Workspace', 'Actor', 'Details']);
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

  it("finds a user's removal from a workspace: their name in Change, the workspace's name, remove in Type", async () => {
    await filter(page, { change: 'jane@example.com', workspace: 'Payments Team', type: 'remove' });
    const [row] = await expectRows(page, ['ws1-jane-revoked']);
    expect(row.cells.slice(1)).toEqual([
      'WorkspaceAccess jane@example.com',
      'revoked',
      'removed jane@example.com as Workspace Manager',
      'Payments Team (ws-1)',
      'Anna Admin (u-anna)',
    ]);
    expect(page.url()).toContain('workspace=Payments+Team');
    // no Time filter: the chart covers the last 30 days, where March's removal is not, and says so
    await waitFor(
      'the chart to say it has nothing in its range',
      async () =>
        /^No events match these filters from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(UTC\); a range under Time charts other days\.$/.test(
          (await page.locator('#events-chart').textContent()) ?? '',
        ) || undefined,
    );
    expect(await page.locator('#events-chart svg').count()).toBe(0);
    await shot(page, '03-filter-user-removed');
    // its former name and its id find it too, in any letter case
    await filter(page, { change: 'jane@example.com', workspace: 'payments crew', type: 'remove' });
    await expectRows(page, ['ws1-jane-revoked']);
    await filter(page, { change: 'jane@example.com', workspace: 'ws-1', type: 'remove' });
    await expectRows(page, ['ws1-jane-revoked']);
  });

  it('suggests the workspaces by name as their name is typed', async () => {
    await page.getByLabel('Workspace filter').fill('pay');
    const options = page.locator('#workspace-options option');
    await waitFor('the suggestions for "pay"', async () =>
      JSON.stringify(await options.evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value))) ===
      JSON.stringify(['Payments Team'])
        ? true
        : undefined,
    );
    expect(await options.first().textContent()).toBe('ws-1');
    await page.getByLabel('Workspace filter').fill('');
  });

  it('finds changes to landing zones: Landing Zone in Event, change in Type', async () => {
    await filter(page, { event: 'Landing Zone', type: 'change' });
    await expectRows(page, ['lz-updated']);
    await shot(page, '04-filter-landing-zone-changed');
  });

  it('offers the types to choose from, labelled, and keeps the types of older addresses', async () => {
    const type = page.getByLabel('Type filter');
    expect(await type.evaluate((select) => (select as HTMLSelectElement).tagName)).toBe('SELECT');
    expect(await type.locator('option').allTextContents()).toEqual([
      'Any type',
      'add (created or granted)',
      'change (updated)',
      'remove (deleted or revoked)',
      'created',
      'updated',
      'deleted',
      'runs requested',
      'granted',
      'revoked',
      'viewed',
    ]);
    // an address from before the select, as it was bookmarked
    await page.goto(`${gateway.url}/ui/?change=jane%40example.com&workspace=ws-1&type=Removed`);
    await expectRows(page, ['ws1-jane-revoked']);
    expect(await type.inputValue()).toBe('remove');
    // from the keyboard: focus the select, pick with the arrow keys, apply
    await type.focus();
    await page.keyboard.press('ArrowUp'); // remove → change
    await page.keyboard.press('Enter');
    await waitFor('change to be chosen and applied', async () =>
      new URL(page.url()).searchParams.get('type') === 'change' ? true : undefined,
    );
    await expectRows(page, []);
  });

  it('names the filter that is wrong, at its column (a type the select lacks, from an address)', async () => {
    await page.goto(`${gateway.url}/ui/?type=exploded`);
    await waitFor('the Type filter to be marked invalid', async () =>
      (await page.getByLabel('Type filter').getAttribute('aria-invalid')) === 'true' ? true : undefined,
    );
    expect(await page.getByLabel('Type filter').inputValue()).toBe('exploded');
    expect(await page.locator('#problem-type').textContent()).toContain('unknown action "exploded"');
    await expectRows(page, []);
  });

  /** The chart's data table, row by row (the day, a count per action, the total), and its headings. */
  const chartTable = async () => ({
    headings: await page.locator('#events-chart table thead th').allTextContents(),
    rows: await page
      .locator('#events-chart table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent ?? ''))),
  });

  /** What GET …/events/stats answers for these query parameters, as the page's own token reads it. */
  async function statsOf(path: string, query: Record<string, string>) {
    const token = (await storedSession())!.accessToken;
    const response = await fetch(`${gateway.url}${path}?${new URLSearchParams(query)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      actions: string[];
      days: Array<{ day: string; counts: Record<string, number>; total: number }>;
    };
  }

  /** The table the chart should have for a stats answer. */
  const tableOf = (stats: Awaited<ReturnType<typeof statsOf>>) => ({
    headings: ['Day', ...stats.actions.map((action) => action.replace(/_/g, ' ')), 'Events, total'],
    rows: stats.days.map((day) => [
      day.day,
      ...stats.actions.map((action) => String(day.counts[action])),
      String(day.total),
    ]),
  });

  it('draws the events per day by type for the current filters, with its data as a table', async () => {
    await filter(page, { time: '2026-03-01..2026-03-07' });
    const caption = page.locator('#events-chart figcaption');
    await waitFor('the chart of March 1 to 7', async () =>
      (await caption.textContent()) === 'Events per day by type, 2026-03-01 to 2026-03-07 (UTC)' ? true : undefined,
    );
    const stats = await statsOf('/api/v1/events/stats', { q: 'created:2026-03-01..2026-03-07' });
    expect(await chartTable()).toEqual(tableOf(stats));
    // what the fixture holds: 50 updates on the 1st, 20 on the 2nd, the questions' 8 events on the 5th
    const byDay = Object.fromEntries(stats.days.map((day) => [day.day, day]));
    expect(byDay['2026-03-01'].counts.updated).toBe(50);
    expect(byDay['2026-03-02'].counts.updated).toBe(20);
    expect(byDay['2026-03-05'].total).toBe(8);
    expect(stats.days.reduce((sum, day) => sum + day.total, 0)).toBe(78);
    // a bar segment for each day and type with events
    const segments = stats.days.flatMap((day) => stats.actions.filter((action) => day.counts[action] > 0));
    expect(await page.locator('#events-chart svg rect').count()).toBe(segments.length);
    expect(await page.locator('#events-chart .legend li').allTextContents()).toEqual(stats.actions);
    await shot(page, '10-events-per-day-chart');

    // the chart follows the filters
    await filter(page, { time: '2026-03-01..2026-03-07', type: 'remove' });
    await waitFor('the chart of removals', async () =>
      JSON.stringify(await page.locator('#events-chart .legend li').allTextContents()) === '["revoked"]'
        ? true
        : undefined,
    );
    const removals = await statsOf('/api/v1/events/stats', {
      q: 'created:2026-03-01..2026-03-07 action:deleted action:revoked',
    });
    expect(removals.days.reduce((sum, day) => sum + day.total, 0)).toBe(2);
    expect(await chartTable()).toEqual(tableOf(removals));
    expect(await accessibilityProblems(page)).toEqual([]);
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
    const dialog = page.getByRole('dialog', { name: 'LandingZone Cloud Foundation updated' });
    await dialog.waitFor();
    expect(page.url()).toContain('detail=lz-updated');
    // the open detail, its full CloudEvent unfolded
    await dialog.getByText('Full CloudEvent').click();
    await waitFor('the seal to be shown', async () => (await dialog.locator('#detail-seal').count()) === 1);
    expect(await accessibilityProblems(page)).toEqual([]);
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

  it('clears the filters, then pages through every event with next and previous', async () => {
    await page.getByRole('button', { name: 'Clear filters' }).click();
    const all = newestFirst(() => true);
    await expectRows(page, all.slice(0, PAGE_SIZE));
    const values = await page
      .locator('#column-filters')
      .locator('input, select')
      .evaluateAll((fields) => fields.map((field) => (field as HTMLInputElement).value));
    expect(values).toEqual(['', '', '', '', '', '']);
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

  it("opens any workspace's view for an admin, named by the trail", async () => {
    await page.goto(`${gateway.url}/ui/workspaces/ws-2/compliance/event-logs`);
    await expectRows(page, newestFirst((e) => e.workspace === 'ws-2').slice(0, PAGE_SIZE));
    await waitFor(
      'the title to name the workspace',
      async () =>
        (await page.locator('#view-title').textContent()) === 'Platform Team › Compliance › Event Logs' || undefined,
    );
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

    it("signs in to their workspace's Compliance › Event Logs: its trail only, on every page", async () => {
      const before = Date.now();
      await signIn('max');
      expect(await codeExchanges('max', before)).toBeGreaterThanOrEqual(1);
      await expectRows(page, ws1.slice(0, PAGE_SIZE));
      expect(new URL(page.url()).pathname).toBe('/ui/workspaces/ws-1/compliance/event-logs');
      expect(await page.locator('#view-title').textContent()).toBe('Payments Team › Compliance › Event Logs');
      expect(await page.locator('#areas').getByRole('link').allTextContents()).toEqual([
        'Payments Team › Compliance › Event Logs',
      ]);
      // the view is the workspace's: no Workspace column or filter
      expect(await headings(page)).toEqual(['Time', 'Event', 'Type', 'Change', 'Actor', 'Details']);
      expect(await page.getByLabel('Workspace filter').count()).toBe(0);
      expect(await page.locator('#page-info').textContent()).toBe(`Page 1 of ${Math.ceil(ws1.length / PAGE_SIZE)}`);
      const seen: Row[] = [...(await rows(page))];
      for (let index = 1; index * PAGE_SIZE < ws1.length; index++) {
        await page.getByRole('button', { name: 'Next page' }).click();
        seen.push(...(await expectRows(page, ws1.slice(index * PAGE_SIZE, (index + 1) * PAGE_SIZE))));
      }
      expect(seen.map((r) => r.id)).toEqual(ws1);
      await filter(page, { event: 'payments-prod', type: 'created' });
      await expectRows(page, ['ws1-payments-created']);
      await shot(page, '07-owner-own-workspace');
    });

    it("is told clearly that another workspace's address is not theirs", async () => {
      const refusal = async () => {
        const problem = page.locator('#view-problem');
        await waitFor('the refusal', async () =>
          ((await problem.textContent()) ?? '').includes('You may not read the event logs of workspace ws-2')
            ? true
            : undefined,
        );
        expect(await problem.isVisible()).toBe(true);
        expect(await page.locator('#logs').isVisible()).toBe(false);
      };
      await page.goto(`${gateway.url}/ui/workspaces/ws-2/compliance/event-logs`);
      await refusal();
      await shot(page, '08-owner-other-workspace-refused');
      // an older address, with the workspace as a filter
      await page.goto(`${gateway.url}/ui/?workspace=ws-2&type=created`);
      await refusal();
      // their own workspace by its name leads to its view, the filters kept
      await page.goto(`${gateway.url}/ui/?workspace=payments%20team&type=remove`);
      await expectRows(page, ['ws1-jane-revoked']);
      expect(new URL(page.url()).pathname).toBe('/ui/workspaces/ws-1/compliance/event-logs');
      expect(await page.getByLabel('Type filter').inputValue()).toBe('remove');
    });

    it("cannot open another workspace's event by its address", async () => {
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
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    });
  });

  describe('a workspace manager', () => {
    const ws1 = newestFirst((e) => e.workspace === 'ws-1');

    it("signs in to their workspace's view, limited to it, with its chart", async () => {
      await signIn('mia');
      await expectRows(page, ws1.slice(0, PAGE_SIZE));
      expect(new URL(page.url()).pathname).toBe('/ui/workspaces/ws-1/compliance/event-logs');
      expect(await page.locator('#view-title').textContent()).toBe('Payments Team › Compliance › Event Logs');
      expect(await page.locator('#areas').textContent()).not.toContain('Admin Area');
      await filter(page, { time: '2026-02-01..2026-03-31' });
      const inWorkspace = newestFirst((e) => e.workspace === 'ws-1' && +new Date(e.time) >= Date.UTC(2026, 1, 1));
      await expectRows(page, inWorkspace.slice(0, PAGE_SIZE));
      const caption = page.locator('#events-chart figcaption');
      await waitFor('the chart of February and March', async () =>
        (await caption.textContent()) === 'Events per day by type, 2026-02-01 to 2026-03-31 (UTC)' ? true : undefined,
      );
      const stats = await statsOf('/api/v1/workspaces/ws-1/events/stats', { q: 'created:2026-02-01..2026-03-31' });
      expect(await chartTable()).toEqual(tableOf(stats));
      // ws-1's events only: its naming and renaming, its 50 updates and the questions' 4 events of ws-1
      expect(stats.days.reduce((sum, day) => sum + day.total, 0)).toBe(ws1.length);
      expect(await accessibilityProblems(page)).toEqual([]);
      await shot(page, '11-manager-own-workspace-chart');

      await page.goto(`${gateway.url}/ui/workspaces/ws-2/compliance/event-logs`);
      await waitFor('the refusal', async () =>
        ((await page.locator('#view-problem').textContent()) ?? '').includes(
          'You may not read the event logs of workspace ws-2',
        )
          ? true
          : undefined,
      );
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    });
  });

  it('tells someone with neither the admin role nor a workspace that there is nothing for them', async () => {
    await signIn('ada');
    const problem = page.locator('#view-problem');
    await waitFor(
      'the message',
      async () =>
        ((await problem.textContent()) ?? '').includes('neither a platform admin nor an owner or manager') || undefined,
    );
    expect(await page.locator('#view-title').textContent()).toBe('No event logs for you');
    await shot(page, '12-no-workspace');
  });

  it('ran without script errors or Content Security Policy violations', () => {
    const problems = browser.consoleErrors.filter((text) => !/status of (403|404|400)/.test(text));
    expect(problems).toEqual([]);
  });
});
