/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// the page.evaluate callbacks run in the browser
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { accessibilityProblems } from '../support/accessibility';
import { artifactsDir, launchBrowser, type TestBrowser } from '../support/browser';
import { LocalKeycloak, signInAtKeycloak } from '../support/keycloak';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

const SHOTS = artifactsDir('admin-pages');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface AccessRow {
  minutesAgo: number;
  status: number;
  method: string;
  path: string;
  principal: string | null;
  remoteIp: string;
}

/** 60 requests of the last five hours (more than the page's 50): mostly ok, some 404s, some 5xx. */
function recentRequests(): AccessRow[] {
  const rows: AccessRow[] = [];
  for (let i = 0; i < 60; i++) {
    const status = i % 8 === 3 ? 500 + (i % 3) : i % 5 === 1 ? 404 : 200;
    rows.push({
      minutesAgo: 5 + i * 5,
      status,
      method: i % 4 === 0 ? 'POST' : 'GET',
      path: i % 2 === 0 ? `/api/v1/events/e-${i}` : '/api/v1/workspaces',
      principal: i % 3 === 0 ? 'u-siem' : 'u-olivia',
      remoteIp: i % 6 === 0 ? '10.0.0.9' : '10.0.0.1',
    });
  }
  return rows;
}

async function insertAccessRow(stack: TestStack, row: AccessRow, at: Date): Promise<void> {
  await stack.query(
    `INSERT INTO access_logs (requested_at, id, service, host, remote_ip, status, method, path, principal,
       user_agent, accept, duration_ms, line)
     VALUES ($1, $2, 'gateway', 'gw-0', $3, $4, $5, $6, $7, 'e2e', 'application/json', 12, $8)`,
    [at, randomUUID(), row.remoteIp, row.status, row.method, row.path, row.principal, `${row.method} ${row.path}`],
  );
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** The cells of a table's body rows. */
async function tableRows(page: Page, table: string): Promise<string[][]> {
  return page.$$eval(`#${table} tbody tr`, (trs) =>
    trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((cell) => cell.textContent ?? '')),
  );
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const violations = await accessibilityProblems(page);
  // printed in full on failure: which rule, which elements, what to fix
  expect(violations.join('\n')).toBe('');
}

describe('the Admin Area pages in a real browser (chromium headless, real gateway, retention service, store and broker, sign-in at a real Keycloak)', () => {
  let stack: TestStack;
  let keycloak: LocalKeycloak;
  let gateway: ServiceProcess;
  let retention: ServiceProcess;
  let browser: TestBrowser;
  let page: Page;
  const requests = recentRequests();
  const oldAccessRows = 7;

  const open = async (pathUnderAdmin: string, heading: string) => {
    await page.goto(`${gateway.url}/ui/admin/${pathUnderAdmin}`);
    await waitFor(`the ${heading} page`, async () => (await textOf(page, '#view-title')) === heading);
  };

  beforeAll(async () => {
    // the realm of deploy/keycloak/: olivia has meshtrail-admin
    keycloak = await LocalKeycloak.start();
    stack = await createTestStack('adminpages');
    // Access records written as the access-log service stores them (the gateway's own access
    // lines reach the store through Fluent Bit, which this suite does not run).
    const now = Date.now();
    for (const row of requests) await insertAccessRow(stack, row, new Date(now - row.minutesAgo * MINUTE));
    // The transmission log written as the telemetry relay's TransmissionLog writes it (one row per
    // outbound request): running the relay against a test center would only add waiting.
    const transmissions: Array<[number, string, string, number | null, string | null]> = [
      [3, 'health', 'delivered', 202, null],
      [13, 'heartbeat', 'delivered', 202, null],
      [23, 'usage', 'failed', 503, 'the ops center answered 503'],
      [33, 'service', 'delivered', 202, null],
      [43, 'host', 'dropped', null, 'queue full: the oldest batch was dropped'],
    ];
    for (const [minutesAgo, category, result, statusCode, error] of transmissions) {
      await stack.query(
        `INSERT INTO telemetry_transmissions (sent_at, category, destination, items, bytes, result, status_code, error, duration_ms)
         VALUES ($1, $2, 'https://ops.example.test/v1', 12, 2048, $3, $4, $5, 40)`,
        [new Date(now - minutesAgo * MINUTE), category, result, statusCode, error],
      );
    }
    gateway = await ServiceProcess.start('gateway', { ...stack.env, AUTH_OIDC_ISSUER: keycloak.issuer });
    // at start the retention service enforces the slot it finds due: wait for that run, so the
    // expired rows inserted after it are there for the page's dry run to count
    retention = await ServiceProcess.start('retention', stack.env);
    await waitFor(
      'the retention run at start',
      async () => (await stack.query('SELECT 1 FROM retention_runs')).length > 0,
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    for (let i = 0; i < oldAccessRows; i++) {
      await insertAccessRow(
        stack,
        { ...requests[0], path: `/api/v1/old-${i}` },
        new Date(now - 200 * DAY - i * MINUTE),
      );
    }
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await signInAtKeycloak(page, gateway.url, 'olivia');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await retention?.stop();
    await gateway?.stop();
    await stack?.teardown();
  });

  it('lists the five admin pages in the navigation, in order', async () => {
    const links = await waitFor('the navigation', async () => {
      const shown = await page.$$eval('#areas a', (as) => as.map((a) => a.textContent ?? ''));
      return shown.length > 0 ? shown : undefined;
    });
    expect(links).toEqual(expect.arrayContaining(['Access Logs', 'Retention', 'Legal Holds', 'API Keys', 'Telemetry']));
    const admin = links.slice(links.indexOf('Access Logs'), links.indexOf('Telemetry') + 1);
    expect(admin).toEqual(['Access Logs', 'Retention', 'Legal Holds', 'API Keys', 'Telemetry']);
  });

  describe('Access Logs', () => {
    it('shows the last 24 hours, newest first, with requests per hour as a chart and a table', async () => {
      await open('access-logs', 'Access Logs');
      await waitFor('the first page', async () => (await tableRows(page, 'access-log-table')).length === 50);
      const rows = await tableRows(page, 'access-log-table');
      // every field of the access line: address, status, method and path, principal, agent, accept, duration
      expect(rows[0].slice(1, 9)).toEqual([
        requests[0].method,
        requests[0].path,
        String(requests[0].status),
        requests[0].principal,
        requests[0].remoteIp,
        'e2e',
        'application/json',
        '12',
      ]);
      // the chart: an SVG with a bar segment per series and hour, and its data as a table
      const figure = page.locator('figure.chart');
      await figure.waitFor();
      expect(await figure.locator('figcaption').textContent()).toBe('Requests per hour (UTC)');
      expect(await figure.locator('svg rect').count()).toBeGreaterThan(0);
      const chartTable = await figure.locator('details table').evaluate((table) => ({
        head: [...(table as HTMLTableElement).tHead!.rows[0].cells].map((c) => c.textContent),
        rows: [...(table as HTMLTableElement).tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent)),
      }));
      expect(chartTable.head).toEqual([
        'Hour (UTC)',
        'OK',
        'Client errors (4xx)',
        'Server errors (5xx)',
        'Requests, total',
        'Error rate',
      ]);
      const sum = (column: number) => chartTable.rows.reduce((total, row) => total + Number(row[column]), 0);
      const count = (predicate: (row: AccessRow) => boolean) => requests.filter(predicate).length;
      expect(sum(2)).toBe(count((r) => r.status >= 400 && r.status < 500));
      expect(sum(3)).toBe(count((r) => r.status >= 500));
      expect(sum(4)).toBe(requests.length);
      await shot(page, '01-access-logs');
      await expectNoSeriousViolations(page);
    });

    it('pages to the older records and back', async () => {
      const firstPage = await tableRows(page, 'access-log-table');
      await page.getByRole('button', { name: 'Next page' }).click();
      await waitFor('the second page', async () => (await tableRows(page, 'access-log-table')).length === 10);
      const secondPage = await tableRows(page, 'access-log-table');
      expect(secondPage[9][2]).toBe(requests[59].path);
      expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
      expect(await textOf(page, '.pager span')).toBe('Page 2');
      await page.getByRole('button', { name: 'Previous page' }).click();
      await waitFor(
        'the first page again',
        async () => JSON.stringify(await tableRows(page, 'access-log-table')) === JSON.stringify(firstPage),
      );
      await expectNoSeriousViolations(page);
    });

    it('searches by status class and principal, and exports that search as CSV and NDJSON', async () => {
      await page.getByLabel('Status', { exact: true }).fill('5xx');
      await page.getByLabel('Principal', { exact: true }).fill('u-olivia');
      await page.getByLabel('Principal', { exact: true }).press('Enter');
      const expected = requests.filter((r) => r.status >= 500 && r.principal === 'u-olivia');
      expect(expected.length).toBeGreaterThan(0);
      await waitFor('the filtered records', async () => {
        const rows = await tableRows(page, 'access-log-table');
        return rows.length === expected.length && rows.every((row) => row[3].startsWith('5')) ? rows : undefined;
      });
      await waitFor('the status line', async () =>
        (await textOf(page, '.admin-status')).startsWith(`${expected.length} access record`),
      );
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      expect(csv.suggestedFilename()).toMatch(/^meshtrail-access-logs-.*\.csv$/);
      const csvLines = fs
        .readFileSync((await csv.path())!, 'utf8')
        .trim()
        .split(/\r?\n/);
      expect(csvLines).toHaveLength(expected.length + 1); // the header and the records
      const [ndjson] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export NDJSON' }).click(),
      ]);
      const records = fs
        .readFileSync((await ndjson.path())!, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { status: number; principal: string });
      expect(records).toHaveLength(expected.length);
      expect(records.every((r) => r.status >= 500 && r.principal === 'u-olivia')).toBe(true);
      await shot(page, '02-access-logs-filtered');
    });

    it('names a wrong filter at its field and moves the focus there', async () => {
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByLabel('Remote address', { exact: true }).fill('not-an-address');
      await page.getByRole('button', { name: 'Search' }).click();
      const field = page.getByLabel('Remote address', { exact: true });
      await waitFor('the field to be marked', async () => (await field.getAttribute('aria-invalid')) === 'true');
      expect(await textOf(page, '#access-remoteIp-problem')).toContain('must be an IPv4 or IPv6 address');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('access-remoteIp');
      await shot(page, '03-access-logs-invalid-filter');
      await expectNoSeriousViolations(page);
    });
  });

  describe('Retention', () => {
    it('asks before a real run, in a dialog that Cancel closes with nothing requested', async () => {
      await open('retention', 'Retention');
      await waitFor('the runs', async () => (await tableRows(page, 'retention-runs')).length >= 1);
      const before = (await stack.query('SELECT run_id FROM retention_runs')).length;
      await page.getByRole('button', { name: 'Run retention now' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run retention now?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('This cannot be undone');
      await shot(page, '04-retention-confirm-real-run');
      await expectNoSeriousViolations(page);
      await page.keyboard.press('Escape');
      await waitFor('the dialog to close', async () => (await page.locator('dialog[open]').count()) === 0);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Run retention now');
      expect(await textOf(page, '.admin-status')).toBe('');
      expect((await stack.query('SELECT run_id FROM retention_runs')).length).toBe(before);
    });

    it('requests a dry run, shows its result once the retention service recorded it, and charts rows per run', async () => {
      await page.getByRole('button', { name: 'Dry run now' }).click();
      const outcome = page.locator('#run-outcome');
      await outcome.waitFor({ timeout: 120_000 });
      const text = (await outcome.textContent()) ?? '';
      expect(text).toMatch(/^The dry run succeeded: it would delete \d+ rows \(/);
      expect(text).toContain(`Access logs ${oldAccessRows}`);
      // the run the page showed is the one recorded, and it changed nothing
      const runId = await outcome.getAttribute('data-run-id');
      const [run] = await stack.query<{ dry_run: boolean; trigger: string }>(
        'SELECT dry_run, trigger FROM retention_runs WHERE run_id = $1',
        [runId],
      );
      expect(run).toEqual({ dry_run: true, trigger: 'demand' });
      const [{ old }] = await stack.query<{ old: number }>(
        "SELECT count(*)::int AS old FROM access_logs WHERE path LIKE '/api/v1/old-%'",
      );
      expect(old).toBe(oldAccessRows);
      await waitFor('the run in the table', async () => {
        const rows = await tableRows(page, 'retention-runs');
        return rows[0]?.[1] === 'Dry run, on demand' && rows[0][2].includes('olivia') ? rows : undefined;
      });
      const figure = page.locator('figure.chart');
      expect(await figure.locator('figcaption').textContent()).toBe('Rows deleted per retention run');
      expect(await figure.locator('svg rect').count()).toBeGreaterThan(0);
      expect(await figure.locator('.legend').textContent()).toContain('Access logs');
      await shot(page, '05-retention-dry-run');
      await expectNoSeriousViolations(page);
    }, 150_000);
  });

  describe('Legal Holds', () => {
    it('names a wrong workspace at its field', async () => {
      await open('legal-holds', 'Legal Holds');
      await waitFor('the empty table', async () =>
        (await textOf(page, '#legal-holds tbody')).includes('No legal holds are in force.'),
      );
      await page.getByLabel('Workspace', { exact: true }).fill('ws with spaces');
      await page.getByLabel('Reason', { exact: true }).fill('litigation 2026-17');
      await page.getByRole('button', { name: 'Place hold' }).click();
      await waitFor('the field error', async () =>
        (await textOf(page, '#hold-workspace-problem')).includes('workspace id without spaces'),
      );
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('hold-workspace');
    });

    it('places a hold, and releases it with a reason after confirming', async () => {
      await page.getByLabel('Workspace', { exact: true }).fill('ws-legal-1');
      await page.getByRole('button', { name: 'Place hold' }).click();
      await waitFor('the hold in the table', async () => {
        const rows = await tableRows(page, 'legal-holds');
        return rows[0]?.[0] === 'ws-legal-1' && rows[0][1] === 'litigation 2026-17' && rows[0][4] === 'In force';
      });
      expect(await textOf(page, '.admin-status')).toBe('ws-legal-1 is now under a legal hold.');
      const [held] = await stack.query<{ reason: string; placed_by_name: string }>(
        'SELECT reason, placed_by_name FROM legal_holds WHERE workspace = $1 AND released_at IS NULL',
        ['ws-legal-1'],
      );
      expect(held).toEqual({ reason: 'litigation 2026-17', placed_by_name: 'olivia' });
      await shot(page, '06-legal-hold-placed');
      await expectNoSeriousViolations(page);

      await page.getByRole('button', { name: 'Release the hold on ws-legal-1' }).click();
      const dialog = page.getByRole('dialog', { name: 'Release the hold on ws-legal-1?' });
      await dialog.waitFor();
      // a reason is required: the dialog says so at the field and stays open
      await dialog.getByRole('button', { name: 'Release hold' }).click();
      await waitFor('the reason to be asked for', async () =>
        ((await dialog.textContent()) ?? '').includes('Please give a reason.'),
      );
      await dialog.getByLabel('Reason for the release').fill('case closed');
      await shot(page, '07-legal-hold-release-dialog');
      await expectNoSeriousViolations(page);
      await dialog.getByRole('button', { name: 'Release hold' }).click();
      await waitFor('the hold to be gone from the holds in force', async () =>
        (await textOf(page, '#legal-holds tbody')).includes('No legal holds are in force.'),
      );
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('legal-holds');
      await page.getByLabel('Show released holds too').check();
      await waitFor('the released hold', async () => {
        const rows = await tableRows(page, 'legal-holds');
        return rows[0]?.[0] === 'ws-legal-1' && /by olivia.*: case closed$/.test(rows[0][4]);
      });
      await shot(page, '08-legal-hold-released');
    });
  });

  describe('API Keys', () => {
    let key = '';

    it('creates a key and shows it once, with a copy button and the note that it will not be shown again', async () => {
      await open('api-keys', 'API Keys');
      await page.getByLabel('Name', { exact: true }).fill('e2e-reader');
      await page.getByLabel('These workspaces').check();
      await page.getByLabel('Workspaces', { exact: true }).fill('ws-1');
      await page.getByLabel('Expires in (days)').fill('7');
      await page.getByRole('button', { name: 'Create key' }).click();
      const value = page.getByLabel('The key', { exact: true });
      await value.waitFor();
      key = await value.inputValue();
      expect(key).toMatch(/^mtk_/);
      expect(await textOf(page, '#new-key-note')).toContain('will not be shown again');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-key-title');
      // the copy button puts the key on the clipboard (granted here, as a person's browser asks them)
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url });
      await page.getByRole('button', { name: 'Copy key' }).click();
      await waitFor(
        'the copy to be confirmed',
        async () => (await textOf(page, '.key-once [role="status"]')) === 'Copied.',
      );
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
      await waitFor('the key in the list', async () => {
        const rows = await tableRows(page, 'api-keys');
        const row = rows.find((cells) => cells[0] === 'e2e-reader');
        return row && row[2] === 'Reads ws-1' && row[3] === 'olivia' && row[7] === 'Active' ? row : undefined;
      });
      // never the secret in the list
      expect(await textOf(page, '#api-keys')).not.toContain(key);
      await shot(page, '09-api-key-created-shown-once');
      await expectNoSeriousViolations(page);
    });

    it('the key works, as a machine would use it', async () => {
      const me = await fetch(`${gateway.url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ kind: 'apiKey', name: 'e2e-reader', admin: false, workspaces: ['ws-1'] });
    });

    it('hides the key once the panel is closed, and does not show it after a reload', async () => {
      await page.getByRole('button', { name: 'I have stored it; hide the key' }).click();
      expect(await page.locator('#new-key-value').count()).toBe(0);
      expect(await page.content()).not.toContain(key);
      await page.reload();
      await waitFor('the list', async () =>
        (await tableRows(page, 'api-keys')).some((cells) => cells[0] === 'e2e-reader'),
      );
      expect(await page.content()).not.toContain(key);
    });

    it('names a value the API refuses at its field', async () => {
      await page.getByLabel('Name', { exact: true }).fill('bad-workspaces');
      await page.getByLabel('Workspaces', { exact: true }).fill('ws-1');
      await page.getByLabel('Expires in (days)').fill('0');
      await page.getByRole('button', { name: 'Create key' }).click();
      await waitFor('the field error', async () =>
        (await textOf(page, '#key-days-problem')).includes('expiresInDays must be at least 1'),
      );
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('key-days');
    });

    it('revokes the key after confirming (from the keyboard), and the key is refused from then on', async () => {
      await page.getByRole('button', { name: /^Revoke the key e2e-reader/ }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Revoke the key e2e-reader?' });
      await dialog.waitFor();
      // the safe choice has the focus; Shift+Tab reaches the revocation
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await page.keyboard.press('Shift+Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Revoke key');
      await page.keyboard.press('Enter');
      await waitFor('the key to show as revoked', async () => {
        const row = (await tableRows(page, 'api-keys')).find((cells) => cells[0] === 'e2e-reader');
        return row?.[7].startsWith('Revoked') && row[7].endsWith('by olivia');
      });
      expect(await textOf(page, '.admin-status')).toMatch(/^The key e2e-reader \(.+\) was revoked\.$/);
      const me = await fetch(`${gateway.url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(401);
      await shot(page, '10-api-key-revoked');
      await expectNoSeriousViolations(page);
    });
  });

  describe('Telemetry', () => {
    it('shows the transmission log, newest first, and filters it by result', async () => {
      await open('telemetry', 'Telemetry');
      await waitFor('the transmissions', async () => (await tableRows(page, 'telemetry-transmissions')).length === 5);
      const rows = await tableRows(page, 'telemetry-transmissions');
      expect(rows.map((row) => row[1])).toEqual(['health', 'heartbeat', 'usage', 'service', 'host']);
      expect(rows[2].slice(1)).toEqual([
        'usage',
        'https://ops.example.test/v1',
        '12',
        '2 KiB',
        'failed',
        '503',
        'the ops center answered 503',
        '40',
      ]);
      await shot(page, '11-telemetry');
      await expectNoSeriousViolations(page);
      await page.getByLabel('Result', { exact: true }).selectOption('dropped');
      await page.getByRole('button', { name: 'Search' }).click();
      await waitFor('the dropped batch alone', async () => {
        const shown = await tableRows(page, 'telemetry-transmissions');
        return shown.length === 1 && shown[0][1] === 'host' && shown[0][5] === 'dropped';
      });
      await shot(page, '12-telemetry-dropped');
    });
  });

  it('ran without script errors or Content Security Policy violations', () => {
    // the refusals the pages show on purpose: 400s named at their fields, the 404 of a run not recorded yet
    const problems = browser.consoleErrors.filter((text) => !/status of (400|404)/.test(text));
    expect(problems).toEqual([]);
  });
});
