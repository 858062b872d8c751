import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { AppLogger } from '@meshtrail/observability';
import type { EventQueryService, ReadContext } from '../event-query.service';
import type { FilterParams } from '../query/event-filter';
import { CONTENT_TYPES, exportTransform, formatFromAccept, type ExportFormat } from './export-format';

const logger = new AppLogger('Export');

/**
 * Streams an export to the client: `format=` wins over Accept; NDJSON by default. Backpressure
 * runs from the socket through the formatter to the database cursor. Errors before the first byte
 * are ordinary API errors; a failure mid-stream aborts the response, so a client never mistakes a
 * truncated export for a complete one.
 */
export async function sendExport(
  events: EventQueryService,
  context: ReadContext,
  params: FilterParams & { format?: ExportFormat },
  accept: string | undefined,
  response: Response,
): Promise<void> {
  const format = params.format ?? formatFromAccept(accept) ?? 'ndjson';
  const { format: _format, ...filters } = params;
  const rows = await events.export(context, filters, format);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  response.status(200);
  response.setHeader('Content-Type', CONTENT_TYPES[format]);
  response.setHeader('Content-Disposition', `attachment; filename="audit-events-${stamp}.${format}"`);
  response.setHeader('Cache-Control', 'no-store');
  const started = Date.now();
  const counter = { rows: 0 };
  try {
    await pipeline(rows, exportTransform(format, counter), response);
    logger.info('Events Exported', { format, rows: counter.rows, durationMs: Date.now() - started });
  } catch (error) {
    logger.warn('Export Aborted', { format, rows: counter.rows, error: (error as Error).message });
    response.destroy();
  }
}
