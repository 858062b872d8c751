import { parseUsageEvent } from '@meshtrail/contracts';
import { DEFAULT_DENY_LABELS, SAFE_USAGE_PROPS } from '../policy/label-rules';
import { buildScrubRules } from '../policy/scrubber';
import { SAFE_PATH_WORDS, scrubPage, toPlausibleEvent } from './usage-scrubbing';

const words = new Set(SAFE_PATH_WORDS);
const rules = buildScrubRules({ allow: SAFE_USAGE_PROPS, deny: DEFAULT_DENY_LABELS, mode: 'drop' });

describe('usage event scrubbing', () => {
  it('keeps route templates and redacts every concrete segment, query and fragment', () => {
    expect(scrubPage('/workspaces/:workspace/projects', words)).toBe('/workspaces/:workspace/projects');
    expect(scrubPage('/workspaces/acme-corp/projects/payroll?user=jane@example.com#x', words)).toBe(
      '/workspaces/:redacted/projects/:redacted',
    );
    expect(scrubPage('/api/v1/events/3f2a9c1e-77aa-4f00-9d4e-1c2b3a4d5e6f', words)).toBe('/api/v1/events/:redacted');
    expect(scrubPage('//evil.example.com/x', words)).toBe('/:redacted/:redacted');
  });

  it('builds the Plausible body with only allowed props', () => {
    const parsed = parseUsageEvent(
      JSON.stringify({
        name: 'Export Downloaded',
        page: '/event-log/export',
        props: { feature: 'csv', workspace: 'acme', email: 'jane@example.com', rows: 12 },
      }),
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(toPlausibleEvent(parsed.event, 'meshtrail', rules, words)).toEqual({
      name: 'Export Downloaded',
      url: 'https://meshtrail/event-log/export',
      domain: 'meshtrail',
      props: { feature: 'csv' },
    });
  });

  it('names what is wrong with a malformed usage event', () => {
    expect(parseUsageEvent(Buffer.from('nope'))).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseUsageEvent('{"name":"x","page":"relative"}')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('page'),
    });
    expect(parseUsageEvent('{"name":"x","page":"/","props":{"a":{}}}')).toMatchObject({
      ok: false,
      reason: 'props.a must be a string, number or boolean',
    });
  });
});
