import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { EXPORT_COLUMNS } from '../store/event-sql';
import { exportTransform, formatFromAccept, ndjsonLine, withWorkspaceNames } from './export-format';

describe('export formats', () => {
  it('writes one JSON object per line, in the shape of the API event, with changes as given', async () => {
    const row: Array<string | null> = EXPORT_COLUMNS.map(([name]) =>
      name === 'changes' ? '[{"field": "quota", "to": 5}]' : `${name} "v"`,
    );
    row[EXPORT_COLUMNS.findIndex(([name]) => name === 'subject')] = null;
    const out = await text(Readable.from([row, row]).pipe(exportTransform('ndjson')));
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual([
      'id',
      'kind',
      'time',
      'ingestedAt',
      'source',
      'type',
      'subject',
      'objectType',
      'objectId',
      'objectName',
      'action',
      'workspace',
      'workspaceName',
      'actor',
      'change',
      'changes',
      'sourceIp',
      'correlationId',
      'hash',
    ]);
    expect(JSON.parse(lines[0])).toMatchObject({
      id: 'id "v"',
      subject: null,
      workspaceName: 'workspaceName "v"',
      actor: { kind: 'actorKind "v"', id: 'actorId "v"', name: 'actorName "v"' },
      changes: [{ field: 'quota', to: 5 }],
    });
  });

  it("fills in each row's workspace name from the names given, null for an unknown or absent workspace", async () => {
    const at = (name: string) => EXPORT_COLUMNS.findIndex(([column]) => column === name);
    const row = (workspace: string | null) => {
      const values: Array<string | null> = EXPORT_COLUMNS.map(([column]) => (column === 'changes' ? '[]' : 'x'));
      values[at('workspace')] = workspace;
      return values;
    };
    const names = new Map([['ws-1', 'Acme']]);
    const out = await text(
      Readable.from([row('ws-1'), row('ws-2'), row(null)])
        .pipe(withWorkspaceNames(names))
        .pipe(exportTransform('ndjson')),
    );
    expect(
      out
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { workspaceName: unknown }).workspaceName),
    ).toEqual(['Acme', null, null]);
  });

  it('writes RFC 4180 CSV with a header, every cell quoted and formulas defused', async () => {
    const row = [
      'e-1',
      'audit',
      '2026-01-02T03:04:05.678000Z',
      'ws-1',
      'Project',
      'p-1',
      'Payments, "prod"',
      'created',
      'user',
      'jane@example.com',
      '=HYPERLINK("http://evil")',
      'created project\nPayments',
      '[{"field": "name", "to": "Payments"}]',
    ];
    const counter = { rows: 0 };
    const out = await text(Readable.from([row]).pipe(exportTransform('csv', counter)));
    const [header, ...rest] = out.split('\r\n');
    expect(header.split(',').slice(0, 4)).toEqual(['"id"', '"kind"', '"time"', '"workspace"']);
    const line = rest.join('\r\n');
    expect(line).toContain('"Payments, ""prod"""');
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(line).toContain('"created project\nPayments"');
    expect(line).toContain('"[{""field"": ""name"", ""to"": ""Payments""}]"');
    expect(counter.rows).toBe(1);
  });

  it('writes the header of an empty CSV export, and nothing for an empty NDJSON export', async () => {
    expect(await text(Readable.from([]).pipe(exportTransform('csv')))).toMatch(
      /^"id","kind","time",.*"hash","workspaceName"\r\n$/,
    );
    expect(await text(Readable.from([]).pipe(exportTransform('ndjson')))).toBe('');
  });

  it('escapes in NDJSON exactly what JSON.stringify escapes', () => {
    const hostile = [
      'plain',
      'say "hi"',
      'back\\slash',
      'line\nbreak\ttab\u0000nul\u001f',
      'lone \ud800 surrogate \udfff',
      'pair 😀 and 𝒳',
      'separators \u2028\u2029 and del \u007f',
      'Jörg Müller',
      '',
    ];
    for (const value of hostile) {
      const row = EXPORT_COLUMNS.map(([name]) => (name === 'changes' ? '[]' : value));
      const line = ndjsonLine(row);
      expect(line).toContain(`"id":${JSON.stringify(value)},`);
      expect(JSON.parse(line)).toMatchObject({ id: value, change: value, actor: { name: value } });
    }
  });

  it('pushes lines in chunks of many rows, never splitting a line', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) =>
      EXPORT_COLUMNS.map(([name]) => (name === 'changes' ? '[]' : `${name}-${i}`)),
    );
    for (const format of ['ndjson', 'csv'] as const) {
      const counter = { rows: 0 };
      const chunks: string[] = [];
      for await (const chunk of Readable.from(rows).pipe(exportTransform(format, counter))) {
        chunks.push((chunk as Buffer).toString());
      }
      expect(counter.rows).toBe(3000);
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.length).toBeLessThan(100);
      for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
      const lines = chunks
        .join('')
        .trimEnd()
        .split(format === 'csv' ? '\r\n' : '\n');
      expect(lines).toHaveLength(format === 'csv' ? 3001 : 3000);
      expect(lines[lines.length - 1]).toContain('id-2999');
    }
  });

  it.each([
    ['text/csv', 'csv'],
    ['application/x-ndjson', 'ndjson'],
    ['application/json, text/csv;q=0.9', 'csv'],
    ['*/*', undefined],
    [undefined, undefined],
  ])('Accept %s → %s', (accept, format) => expect(formatFromAccept(accept)).toBe(format));
});
