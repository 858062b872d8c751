import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AccessLogRecord } from '@meshtrail/contracts';
import { AppLogger } from '../logging/app-logger';
import { formatAccessLine, roundDurationMs } from './access-line';
import { resolveClientAddress, type TrustedProxies } from './client-address';
import { maskSecretQueryValues } from './query-masking';
import { readRefusedRequest, refusalResponse, refusalStatus } from './refused-request';

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

/** An error of Node's HTTP parser, with the bytes it could not parse. */
export interface ClientError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

export type AccessLogMiddleware = ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) & {
  /**
   * For the HTTP server's 'clientError' event: a request Node's parser refused (malformed request
   * line, headers too large, a control character in a header) is answered as Node would and
   * gets its access line too, with what could be read of it.
   */
  clientError: (error: ClientError, socket: Duplex) => void;
};

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

  const emit = (request: {
    startedAt: number;
    durationMs: number;
    peer: string | undefined;
    forwardedFor: string | string[] | undefined;
    status: number;
    method: string;
    rawPath: string;
    principal: string | null;
    userAgent: string | null;
    accept: string | null;
  }) => {
    const { startedAt, durationMs, status, method, principal, userAgent, accept } = request;
    const remoteIp = resolveClientAddress(request.peer, request.forwardedFor, options.trustedProxies);
    const path = maskSecretQueryValues(request.rawPath);
    const line = formatAccessLine({ remoteIp, status, method, path, principal, userAgent, accept, durationMs });
    options.writeLine?.(line);
    options.publish?.({
      id: newId(),
      time: new Date(startedAt).toISOString(),
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

  const capture = (res: TrackedResponse, arrival: Arrival) => {
    const req = res.req;
    const name = req.principal?.name;
    emit({
      startedAt: arrival.startedAt,
      durationMs: roundDurationMs(process.hrtime.bigint() - arrival.start),
      peer: arrival.peer,
      forwardedFor: req.headers['x-forwarded-for'],
      status: res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST,
      method: req.method ?? '-',
      rawPath: req.originalUrl ?? req.url ?? '/',
      principal: typeof name === 'string' && name !== '' ? name : null,
      userAgent: req.headers['user-agent'] || null,
      accept: req.headers.accept || null,
    });
  };

  const noteFailure = (error: unknown) => {
    // never the request's problem; say so now and then, not once per request
    if (Date.now() - lastErrorLog >= ERROR_LOG_INTERVAL_MS) {
      lastErrorLog = Date.now();
      logger.error('Access Log Capture Failed', { error: error as Error });
    }
  };

  // one function for every response ('close' comes once): no closure or once-wrapper per request
  function onClose(this: TrackedResponse): void {
    const arrival = this[ARRIVAL];
    if (!arrival) return;
    this[ARRIVAL] = undefined;
    try {
      capture(this, arrival);
    } catch (error) {
      noteFailure(error);
    }
  }

  const middleware: AccessLogMiddleware = Object.assign(
    (req: IncomingMessage, res: ServerResponse, next: () => void) => {
      (res as TrackedResponse)[ARRIVAL] = {
        startedAt: Date.now(),
        start: process.hrtime.bigint(),
        peer: req.socket.remoteAddress,
      };
      res.on('close', onClose);
      next();
    },
    {
      clientError: (error: ClientError, socket: Duplex) => {
        // a reset or a socket already gone: nothing was refused, nobody to answer
        if (error.code === 'ECONNRESET' || !socket.writable) {
          socket.destroy();
          return;
        }
        const status = refusalStatus(error);
        // as Node does: a response already under way on this connection must not be cut into
        const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
        if (current?.headersSent) socket.destroy();
        else socket.end(refusalResponse(status));
        try {
          const read = readRefusedRequest(error.rawPacket);
          emit({
            startedAt: Date.now(),
            // when the request began is not known: the parser refused it before Node saw one
            durationMs: 0,
            peer: (socket as Duplex & { remoteAddress?: string }).remoteAddress,
            forwardedFor: read.forwardedFor,
            status,
            method: read.method,
            rawPath: read.path,
            principal: null,
            userAgent: read.userAgent,
            accept: read.accept,
          });
        } catch (failure) {
          noteFailure(failure);
        }
      },
    },
  );
  return middleware;
}
