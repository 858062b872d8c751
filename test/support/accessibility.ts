/// <reference lib="dom" />
// the page.evaluate callback runs in the browser
import fs from 'node:fs';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now, one text per rule: its
 * impact, id and help, then each element with what to fix (for the failure message).
 *
 * The page's Content-Security-Policy allows scripts from the gateway only, so axe cannot be added
 * as a script tag; page.evaluate runs its source through the DevTools protocol, which the policy
 * does not govern. The policy stays on for everything the page itself does, so axe checks the
 * page as served (a context with bypassCSP would switch it off for the page too).
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe;
    return (await axe.run(document)).violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
    }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id} (${violation.help}):\n  ${violation.nodes.join('\n  ')}`);
}
