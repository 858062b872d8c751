import { SpanKind, context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { SqlSession } from '@meshtrail/database';
import { from as copyFrom } from 'pg-copy-streams';
import { withSpan } from '@meshtrail/observability';
import { copyLine } from './copy-text';

/** The role that writes the trail: INSERT and SELECT only on the event tables (see the migration). */
export const INGEST_ROLE = 'meshtrail_ingest';

/** Opens a transaction as the ingest role: BEGIN and SET LOCAL ROLE in one message, one round trip. */
export const BEGIN_AS_INGEST = `BEGIN; SET LOCAL ROLE ${INGEST_ROLE}`;

const copyAttributes = (table: string, statement: string, rows: number) => ({
  'db.system.name': 'postgresql',
  'db.operation.name': 'COPY',
  'db.collection.name': table,
  'db.query.text': statement,
  'meshtrail.batch.rows_written': rows,
});

/**
 * Streams rows, made by copyLine, into a table with COPY FROM STDIN, PostgreSQL's fastest way in.
 * Table and column names come from constants in this library, never from input.
 */
export async function copyLines(
  client: SqlSession,
  table: string,
  columns: readonly string[],
  lines: readonly string[],
): Promise<void> {
  if (lines.length === 0) return;
  const text = lines.join('\n') + '\n';
  const statement = `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
  await withSpan(
    `COPY ${table}`,
    { kind: SpanKind.CLIENT, attributes: copyAttributes(table, statement, lines.length) },
    // the pg instrumentation cannot see a COPY stream end (its span would stay open): ours instead
    () => context.with(suppressTracing(context.active()), () => streamCopy(client, statement, text)),
  );
}

function streamCopy(client: SqlSession, statement: string, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(statement));
    stream.on('finish', () => resolve());
    stream.on('error', reject);
    stream.end(text);
  });
}

/** Streams rows of values into a table with COPY FROM STDIN. */
export async function copyRows(
  client: SqlSession,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
): Promise<void> {
  await copyLines(client, table, columns, rows.map(copyLine));
}
