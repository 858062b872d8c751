import { Transform } from 'node:stream';
import { toEventView, type AuditEventView, type EventRow } from '../store/event-row';

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

export const CSV_COLUMNS: ReadonlyArray<[string, (e: AuditEventView) => unknown]> = [
  ['id', (e) => e.id],
  ['time', (e) => e.time],
  ['workspace', (e) => e.workspace],
  ['objectType', (e) => e.objectType],
  ['objectId', (e) => e.objectId],
  ['objectName', (e) => e.objectName],
  ['action', (e) => e.action],
  ['actorKind', (e) => e.actor.kind],
  ['actorId', (e) => e.actor.id],
  ['actorName', (e) => e.actor.name],
  ['change', (e) => e.change],
  ['changes', (e) => JSON.stringify(e.changes)],
  ['source', (e) => e.source],
  ['type', (e) => e.type],
  ['subject', (e) => e.subject],
  ['sourceIp', (e) => e.sourceIp],
  ['correlationId', (e) => e.correlationId],
  ['ingestedAt', (e) => e.ingestedAt],
  ['hash', (e) => e.hash],
];

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

/** Rows of the store in, lines of the export format out (object mode in, bytes out; backpressure passes through). */
export function exportTransform(format: ExportFormat, counter: { rows: number } = { rows: 0 }): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 256,
    transform(row: EventRow, _encoding, done) {
      const view = toEventView(row);
      let out = '';
      if (format === 'ndjson') {
        out = `${JSON.stringify(view)}\n`;
      } else {
        if (first) out = csvLine(CSV_COLUMNS.map(([name]) => name));
        out += csvLine(CSV_COLUMNS.map(([, get]) => get(view)));
      }
      first = false;
      counter.rows++;
      done(null, out);
    },
    flush(done) {
      // an empty CSV export still names its columns
      done(null, format === 'csv' && first ? csvLine(CSV_COLUMNS.map(([name]) => name)) : undefined);
    },
  });
}
