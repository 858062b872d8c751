import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { AppLogger } from '../logging/app-logger';
import { formatAccessLine, roundDurationMs } from './access-line';
import { resolveClientAddress, type TrustedProxies } from './client-address';
import { maskSecretQueryValues } from './query-masking';

/** What the auth layer leaves on the request: the authenticated user's or API key's display name. */
interface CapturedRequest extends IncomingMessage {
  originalUrl?: string;
  principal?: { name?: unknown };
}

export interface AccessLogCaptureOptions {
  service: string;
  host: string;
  trustedProxies: TrustedProxies;
  /** Receives each access line (stdout); absent when lines are not written. */
  writeLine?: (line: string) => void;
  /** Receives each structured record (the publisher); must not throw or wait. */
  publish?: (record: AccessLogRecord) => void;
  newId?: () => string;
}

export type AccessLogMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The status of a request whose client went away before the response was complete (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * The access-log middleware every meshtrail HTTP service mounts first: when the response is done
 * (or the client gave up), it writes the access line and hands the structured record to the
 * publisher. The request itself only pays for a timestamp and one listener.
 */
export function createAccessLogMiddleware(options: AccessLogCaptureOptions): AccessLogMiddleware {
  const logger = new AppLogger('AccessLog');
  const newId = options.newId ?? randomUUID;
  let lastErrorLog = -Infinity;

  const capture = (req: CapturedRequest, res: ServerResponse, startedAt: number, start: bigint, peer?: string) => {
    const durationMs = roundDurationMs(process.hrtime.bigint() - start);
    const name = req.principal?.name;
    const fields = {
      remoteIp: resolveClientAddress(peer, req.headers['x-forwarded-for'], options.trustedProxies),
      status: res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST,
      method: req.method ?? '-',
      path: maskSecretQueryValues(req.originalUrl ?? req.url ?? '/'),
      principal: typeof name === 'string' && name !== '' ? name : null,
      userAgent: req.headers['user-agent'] || null,
      accept: req.headers.accept || null,
      durationMs,
    };
    const line = formatAccessLine(fields);
    options.writeLine?.(line);
    options.publish?.({
      id: newId(),
      time: new Date(startedAt).toISOString(),
      service: options.service,
      host: options.host,
      ...fields,
      line,
    });
  };

  return (req, res, next) => {
    const startedAt = Date.now();
    const start = process.hrtime.bigint();
    const peer = req.socket.remoteAddress;
    res.once('close', () => {
      try {
        capture(req as CapturedRequest, res, startedAt, start, peer);
      } catch (error) {
        // never the request's problem; say so now and then, not once per request
        if (Date.now() - lastErrorLog >= ERROR_LOG_INTERVAL_MS) {
          lastErrorLog = Date.now();
          logger.error('Access Log Capture Failed', { error: error as Error });
        }
      }
    });
    next();
  };
}
