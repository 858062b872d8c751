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

/** What the middleware notes when a request arrives, kept on the response until it closes. */
interface Arrival {
  startedAt: number;
  start: bigint;
  peer: string | undefined;
}
const ARRIVAL = Symbol('meshtrail.accessLog.arrival');
type TrackedResponse = ServerResponse & { [ARRIVAL]?: Arrival; req: CapturedRequest };

/**
 * The access-log middleware every meshtrail HTTP service mounts first: when the response is done
 * (or the client gave up), it writes the access line and hands the structured record to the
 * publisher. The request itself only pays for a timestamp and one shared listener.
 */
export function createAccessLogMiddleware(options: AccessLogCaptureOptions): AccessLogMiddleware {
  const logger = new AppLogger('AccessLog');
  const newId = options.newId ?? randomUUID;
  let lastErrorLog = -Infinity;

  const capture = (res: TrackedResponse, arrival: Arrival) => {
    const req = res.req;
    const durationMs = roundDurationMs(process.hrtime.bigint() - arrival.start);
    const name = req.principal?.name;
    const remoteIp = resolveClientAddress(arrival.peer, req.headers['x-forwarded-for'], options.trustedProxies);
    const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST;
    const method = req.method ?? '-';
    const path = maskSecretQueryValues(req.originalUrl ?? req.url ?? '/');
    const principal = typeof name === 'string' && name !== '' ? name : null;
    const userAgent = req.headers['user-agent'] || null;
    const accept = req.headers.accept || null;
    const line = formatAccessLine({ remoteIp, status, method, path, principal, userAgent, accept, durationMs });
    options.writeLine?.(line);
    options.publish?.({
      id: newId(),
      time: new Date(arrival.startedAt).toISOString(),
      service: options.service,
      host: options.host,
      remoteIp,
      status,
      method,
      path,
      principal,
      userAgent,
      accept,
      durationMs,
      line,
    });
  };

  // one function for every response ('close' comes once): no closure or once-wrapper per request
  function onClose(this: TrackedResponse): void {
    const arrival = this[ARRIVAL];
    if (!arrival) return;
    this[ARRIVAL] = undefined;
    try {
      capture(this, arrival);
    } catch (error) {
      // never the request's problem; say so now and then, not once per request
      if (Date.now() - lastErrorLog >= ERROR_LOG_INTERVAL_MS) {
        lastErrorLog = Date.now();
        logger.error('Access Log Capture Failed', { error: error as Error });
      }
    }
  }

  return (req, res, next) => {
    (res as TrackedResponse)[ARRIVAL] = {
      startedAt: Date.now(),
      start: process.hrtime.bigint(),
      peer: req.socket.remoteAddress,
    };
    res.on('close', onClose);
    next();
  };
}
