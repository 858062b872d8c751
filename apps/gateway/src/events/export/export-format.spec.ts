import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { EventRow } from '../store/event-row';
import { csvField, exportTransform, formatFromAccept } from './export-format';

const row: EventRow = {
  id: 'e-1',
  occurred_at: new Date('2026-01-02T03:04:05.678Z'),
  ingested_at: new Date('2026-01-02T03:04:06Z'),
  seq: '1',
  occurred_us: '1767323045678000',
  source: 'meshstack',
  type: 'meshstack.project.created',
  subject: 'project/p-1',
  object_type: 'Project',
  object_id: 'p-1',
  object_name: 'Payments, "prod"',
  action: 'created',
  workspace: 'ws-1',
  actor_kind: 'user',
  actor_id: 'jane@example.com',
  actor_name: '=HYPERLINK("http://evil")',
  change: 'created project\nPayments',
  changes: [{ field: 'name', from: null, to: 'Payments' }],
  source_ip: null,
  correlation_id: null,
  hash: 'ab'.repeat(32),
};

describe('export formats', () => {
  it('writes one JSON object per line', async () => {
    const out = await text(Readable.from([row, { ...row, id: 'e-2' }]).pipe(exportTransform('ndjson')));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({
      id: 'e-1',
      objectName: 'Payments, "prod"',
      actor: { id: 'jane@example.com' },
    });
    expect(JSON.parse(lines[1]).id).toBe('e-2');
  });

  it('writes RFC 4180 CSV with a header, quoting what needs it and defusing formulas', async () => {
    const out = await text(Readable.from([row]).pipe(exportTransform('csv')));
    const [header, ...rest] = out.split('\r\n');
    expect(header.split(',').slice(0, 4)).toEqual(['id', 'time', 'workspace', 'objectType']);
    const line = rest.join('\r\n');
    expect(line).toContain('"Payments, ""prod"""');
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(line).toContain('"created project\nPayments"');
    expect(line).toContain('"[{""field"":""name"",""from"":null,""to"":""Payments""}]"');
  });

  it('writes the header of an empty CSV export', async () => {
    expect(await text(Readable.from([]).pipe(exportTransform('csv')))).toMatch(/^id,time,.*hash\r\n$/);
    expect(await text(Readable.from([]).pipe(exportTransform('ndjson')))).toBe('');
  });

  it('quotes nothing that does not need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(' padded ')).toBe('" padded "');
    expect(csvField('-1')).toBe("'-1");
  });

  it.each([
    ['text/csv', 'csv'],
    ['application/x-ndjson', 'ndjson'],
    ['application/json, text/csv;q=0.9', 'csv'],
    ['*/*', undefined],
    [undefined, undefined],
  ])('Accept %s → %s', (accept, format) => expect(formatFromAccept(accept)).toBe(format));
});
