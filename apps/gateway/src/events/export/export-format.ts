import { Transform } from 'node:stream';
import { csvLine } from '../../common/csv-cell';
import { EXPORT_COLUMNS } from '../store/event-sql';

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

const CSV_HEADER = csvLine(EXPORT_COLUMNS.map(([name]) => name));

const column = new Map(EXPORT_COLUMNS.map(([name], index) => [name, index]));
const at = (name: string) => column.get(name)!;
const KIND = at('kind');
const [ID, TIME, WORKSPACE, OBJECT_TYPE, OBJECT_ID, OBJECT_NAME, ACTION, ACTOR_KIND, ACTOR_ID, ACTOR_NAME] = [
  'id',
  'time',
  'workspace',
  'objectType',
  'objectId',
  'objectName',
  'action',
  'actorKind',
  'actorId',
  'actorName',
].map(at);
const [CHANGE, CHANGES, SOURCE, TYPE, SUBJECT, SOURCE_IP, CORRELATION_ID, INGESTED_AT, HASH, WORKSPACE_NAME] = [
  'change',
  'changes',
  'source',
  'type',
  'subject',
  'sourceIp',
  'correlationId',
  'ingestedAt',
  'hash',
  'workspaceName',
].map(at);

/** Characters JSON.stringify writes other than as themselves: quote, backslash, controls, surrogates (lone ones escaped). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string or null as JSON; most values need no escape, and quoting them is cheaper than JSON.stringify. */
function jsonText(value: string | null): string {
  if (value === null) return 'null';
  return JSON_ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * One NDJSON line from the export columns (extra trailing values are ignored), in the shape and
 * key order of the API's event.
 * `changes` is already JSON text from PostgreSQL; every other value is a string or null.
 */
export function ndjsonLine(row: ReadonlyArray<string | null>): string {
  const j = jsonText;
  return (
    `{"id":${j(row[ID])},"kind":${j(row[KIND])},"time":${j(row[TIME])},"ingestedAt":${j(row[INGESTED_AT])},"source":${j(row[SOURCE])},` +
    `"type":${j(row[TYPE])},"subject":${j(row[SUBJECT])},"objectType":${j(row[OBJECT_TYPE])},` +
    `"objectId":${j(row[OBJECT_ID])},"objectName":${j(row[OBJECT_NAME])},"action":${j(row[ACTION])},` +
    `"workspace":${j(row[WORKSPACE])},"workspaceName":${j(row[WORKSPACE_NAME])},"actor":{"kind":${j(row[ACTOR_KIND])},"id":${j(row[ACTOR_ID])},` +
    `"name":${j(row[ACTOR_NAME])}},"change":${j(row[CHANGE])},"changes":${row[CHANGES] ?? '[]'},` +
    `"sourceIp":${j(row[SOURCE_IP])},"correlationId":${j(row[CORRELATION_ID])},"hash":${j(row[HASH])}}\n`
  );
}

/** Export rows (object mode) with their workspaceName filled in from `names` (workspace id → current name). */
export function withWorkspaceNames(names: ReadonlyMap<string, string>): Transform {
  return new Transform({
    objectMode: true,
    transform(row: Array<string | null>, _encoding, done) {
      const workspace = row[WORKSPACE];
      row[WORKSPACE_NAME] = workspace === null ? null : (names.get(workspace) ?? null);
      done(null, row);
    },
  });
}

/**
 * Lines are pushed in chunks of about this many characters: one Buffer and one socket write per
 * chunk instead of per row, which took about a fifth of an export's time in the gateway (CPU profile).
 */
const CHUNK_CHARS = 64 * 1024;

/**
 * Rows of the export query in (the texts of EXPORT_COLUMNS), lines out in chunks. Object mode
 * in, bytes out; backpressure passes through.
 */
export function exportTransform(format: ExportFormat, counter: { rows: number } = { rows: 0 }): Transform {
  // an empty CSV export still names its columns
  let pending = format === 'csv' ? CSV_HEADER : '';
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 1000,
    transform(row: Array<string | null>, _encoding, done) {
      pending += format === 'ndjson' ? ndjsonLine(row) : csvLine(row.slice(0, EXPORT_COLUMNS.length));
      counter.rows++;
      if (pending.length < CHUNK_CHARS) return done();
      const chunk = pending;
      pending = '';
      done(null, chunk);
    },
    flush(done) {
      done(null, pending === '' ? undefined : pending);
    },
  });
}
