import { serializeAccessLogRecord, type AccessLogRecord } from '@meshtrail/contracts';
import { csvLine } from '../common/csv-cell';

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

export const CSV_HEADER = csvLine(CSV_COLUMNS);

export function exportLine(format: ExportFormat, record: AccessLogRecord): string {
  if (format === 'ndjson') return `${serializeAccessLogRecord(record)}\n`;
  return csvLine(CSV_COLUMNS.map((column) => record[column]));
}
