import { Transform } from 'node:stream';
import { CSV_COLUMNS } from '../store/event-sql';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** The format an Accept header asks for; undefined when it names neither (the caller picks the default). */
export function formatFromAccept(accept: string | undefined): ExportFormat | undefined {
  if (!accept) return undefined;
  const types = accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase());
  for (const type of types) {
    if (type === 'text/csv') return 'csv';
    if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl')
      return 'ndjson';
  }
  return undefined;
}

/**
 * One RFC 4180 field. Text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe: an actor name must not become a formula on an auditor's machine.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

const CSV_HEADER = csvLine(CSV_COLUMNS.map(([name]) => name));

/**
 * Rows of the export query in (NDJSON: `{line}` built by PostgreSQL; CSV: the column texts as an
 * array), text out. Object mode in, bytes out; backpressure passes through.
 */
export function exportTransform(format: ExportFormat, counter: { rows: number } = { rows: 0 }): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 1000,
    transform(row: { line: string } | unknown[], _encoding, done) {
      let out: string;
      if (format === 'ndjson') {
        out = `${(row as { line: string }).line}\n`;
      } else {
        out = csvLine(row as unknown[]);
        if (first) out = CSV_HEADER + out;
      }
      first = false;
      counter.rows++;
      done(null, out);
    },
    flush(done) {
      // an empty CSV export still names its columns
      done(null, format === 'csv' && first ? CSV_HEADER : undefined);
    },
  });
}
