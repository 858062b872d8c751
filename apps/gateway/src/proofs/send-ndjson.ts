import type { Writable } from 'node:stream';
import type { Response } from 'express';
import { AppLogger } from '@meshtrail/observability';

const logger = new AppLogger('Export');

/**
 * Streams NDJSON to the client as an attachment. Call it only once the request is known to be
 * allowed: everything before is an ordinary API error. A failure mid-stream aborts the response,
 * so a truncated file is never mistaken for a whole one.
 */
export async function sendNdjson(
  response: Response,
  name: string,
  write: (sink: Writable) => Promise<void>,
): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  response.status(200);
  response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${name}-${stamp}.ndjson"`);
  response.setHeader('Cache-Control', 'no-store');
  const started = Date.now();
  try {
    await write(response);
    logger.info('Verifiable Export Sent', { export: name, durationMs: Date.now() - started });
  } catch (error) {
    logger.warn('Verifiable Export Aborted', { export: name, error: (error as Error).message });
    response.destroy();
  }
}
