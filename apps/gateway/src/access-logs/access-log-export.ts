import { serializeAccessLogRecord, type AccessLogRecord } from '@meshtrail/contracts';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

const CSV_COLUMNS: Array<keyof AccessLogRecord> = [
  'time',
  'id',
  'service',
  'host',
  'remoteIp',
  'status',
  'method',
  'path',
  'principal',
  'userAgent',
  'accept',
  'durationMs',
];

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/**
 * One CSV cell (RFC 4180). Client-controlled text that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or CR) gets a leading apostrophe.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function exportLine(format: ExportFormat, record: AccessLogRecord): string {
  if (format === 'ndjson') return `${serializeAccessLogRecord(record)}\n`;
  return `${CSV_COLUMNS.map((column) => csvCell(record[column])).join(',')}\r\n`;
}
