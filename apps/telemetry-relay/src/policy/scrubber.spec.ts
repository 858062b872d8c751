import type { KeyValue } from '@meshtrail/otlp';
import { DEFAULT_DENY_LABELS, SAFE_POINT_LABELS } from './label-rules';
import { buildScrubRules, isDenied, labelTokens, pseudonym, scrubAttributes } from './scrubber';

const kv = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const drop = buildScrubRules({ allow: SAFE_POINT_LABELS, deny: DEFAULT_DENY_LABELS, mode: 'drop' });
const KEY = 'k'.repeat(32);
const hmac = buildScrubRules({ allow: SAFE_POINT_LABELS, deny: DEFAULT_DENY_LABELS, mode: 'hmac', hmacKey: KEY });
const names = (attributes: KeyValue[]) => attributes.map((a) => a.key);

describe('label scrubber: the allow-list fails closed', () => {
  it('keeps known-safe labels with ordinary values', () => {
    const input = [
      kv('http.route', '/api/v1/events/:id'),
      kv('http.request.method', 'GET'),
      kv('topic', 'audit.events.v1'),
    ];
    expect(scrubAttributes(input, drop)).toEqual({ attributes: input, removed: {}, hashed: 0 });
  });

  it('removes every label it does not know, however harmless it looks', () => {
    const outcome = scrubAttributes([kv('color', 'blue'), kv('http.route', '/x'), kv('region', 'eu-1')], drop);
    expect(names(outcome.attributes)).toEqual(['http.route']);
    expect(outcome.removed).toEqual({ unknown: 2 });
  });

  it('matches allowed names exactly: case changes, look-alike letters and padding do not pass', () => {
    const hostile = [
      kv('HTTP.Route', '/x'),
      kv('http.route ', '/x'),
      kv(' http.route', '/x'),
      kv('http\u200b.route', '/x'), // zero-width space
      kv('h\u0442tp.route', '/x'), // Cyrillic "т"
      kv('topic\u0000', 'x'),
      kv('', 'x'),
      kv('__proto__', 'x'),
      kv('constructor', 'x'),
    ];
    const outcome = scrubAttributes(hostile, drop);
    expect(outcome.attributes).toEqual([]);
    expect(outcome.removed.unknown).toBe(hostile.length);
  });

  it('removes allowed labels whose values carry customer data or payloads', () => {
    const outcome = scrubAttributes(
      [
        kv('reason', 'user jane.doe@example.com not allowed'),
        kv('status', 'x'.repeat(129)),
        kv('component', 'db\nworkspace=acme'),
        kv('action', 'created\u202eemoc.emca'), // right-to-left override
        { key: 'result', value: { kvlistValue: { values: [kv('workspace', 'acme')] } } },
        { key: 'version', value: { arrayValue: { values: [{ stringValue: 'acme' }] } } },
        { key: 'commit', value: { bytesValue: Buffer.from('acme') } },
        kv('service', 'gateway'),
      ],
      drop,
    );
    expect(names(outcome.attributes)).toEqual(['service']);
    expect(outcome.removed).toEqual({ suspicious_value: 7 });
  });

  it('keeps only the first of duplicated keys', () => {
    const outcome = scrubAttributes([kv('topic', 'a'), kv('topic', 'b')], drop);
    expect(outcome.attributes).toEqual([kv('topic', 'a')]);
  });

  it('accepts extra safe names an operator adds to the allow-list', () => {
    const rules = buildScrubRules({ allow: [...SAFE_POINT_LABELS, 'region'], deny: DEFAULT_DENY_LABELS, mode: 'drop' });
    expect(names(scrubAttributes([kv('region', 'eu-1')], rules).attributes)).toEqual(['region']);
  });
});

describe('label scrubber: customer-identifying labels', () => {
  const customerLabels = [
    'workspace',
    'workspace_id',
    'workspaceId',
    'WorkspaceID',
    'meshstack.workspace.id',
    'x-workspace',
    'project',
    'project.identifier',
    'tenant_id',
    'platform',
    'user.id',
    'userId',
    'USER_NAME',
    'enduser.id',
    'customer',
    'owner',
    'actor_id',
    'principal',
    'email',
    'landing_zone',
    'landingZone',
    'building_block_id',
    'client.ip',
  ];

  it.each(customerLabels)('drops %s in drop mode', (name) => {
    const outcome = scrubAttributes([kv(name, 'acme-corp'), kv('topic', 't')], drop);
    expect(names(outcome.attributes)).toEqual(['topic']);
    expect(outcome.removed).toEqual({ denied: 1 });
  });

  it('lets the deny list win even over an operator allow-listing the same name', () => {
    const rules = buildScrubRules({ allow: ['workspace'], deny: DEFAULT_DENY_LABELS, mode: 'drop' });
    expect(scrubAttributes([kv('workspace', 'acme')], rules).attributes).toEqual([]);
  });

  it('replaces the value by a keyed HMAC in hmac mode: stable, unreadable, never the original', () => {
    const first = scrubAttributes([kv('workspace', 'acme-corp'), kv('project', 'payroll')], hmac);
    const again = scrubAttributes([kv('workspace', 'acme-corp')], hmac);
    expect(first.hashed).toBe(2);
    const value = first.attributes[0].value?.stringValue ?? '';
    expect(value).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect(value).toBe(again.attributes[0].value?.stringValue);
    expect(JSON.stringify(first.attributes)).not.toMatch(/acme|payroll/);
    expect(value).toBe(pseudonym('acme-corp', KEY));
    expect(pseudonym('acme-corp', 'another key of 32 characters!!!!')).not.toBe(value);
  });

  it('hashes nested and non-string values too, and drops deny-listed names that are not plain identifiers', () => {
    const outcome = scrubAttributes(
      [
        { key: 'user_id', value: { intValue: '4711' } },
        { key: 'tenant', value: { kvlistValue: { values: [kv('name', 'acme')] } } },
        kv('workspace\n', 'acme'),
      ],
      hmac,
    );
    expect(names(outcome.attributes)).toEqual(['user_id', 'tenant']);
    expect(JSON.stringify(outcome.attributes)).not.toMatch(/4711|acme/);
    expect(outcome.removed).toEqual({ denied: 1 });
  });

  it('does not mistake safe names that merely contain a deny word inside another token', () => {
    expect(isDenied('username', drop)).toBe(true); // its own deny entry
    expect(isDenied('db.client.connection.state', drop)).toBe(false);
    expect(isDenied('object_type', drop)).toBe(false);
    expect(isDenied('topic', drop)).toBe(false);
  });

  it('tokenises names across case, separators and camelCase', () => {
    expect(labelTokens('meshstack.WorkspaceID')).toBe('meshstack_workspace_id');
    expect(labelTokens('x--Tenant__Name')).toBe('x_tenant_name');
  });
});
