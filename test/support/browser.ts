import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.MESHTRAIL_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's chromium (TEST_TOOLS installs it), headless, with no network of its own (no updates, no sync). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  /** Everything the page printed as an error, CSP violations included. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** A fresh browser profile (its own user-data-dir): no cookies or storage from any other run. */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
  });
  const consoleErrors: string[] = [];
  context.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  context.on('weberror', (error) => consoleErrors.push(error.error().message));
  return {
    context,
    consoleErrors,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** test-artifacts/<suite>/ (gitignored): screenshots a person can look at after the run. */
export function artifactsDir(suite: string): string {
  const dir = path.join(ROOT, 'test-artifacts', suite);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
