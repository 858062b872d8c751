import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplication } from '@nestjs/common';

/**
 * Provider token for middleware every request must pass first, before body parsing and routing
 * (the access log): bootstrapService mounts what it resolves to (an array of handlers).
 */
export const GLOBAL_HTTP_MIDDLEWARE = Symbol('GLOBAL_HTTP_MIDDLEWARE');

type Handler = ((req: never, res: never, next: () => void) => void) & {
  /** Also told of requests Node's HTTP parser refuses (the server's 'clientError' event). */
  clientError?: (error: Error, socket: never) => void;
};

/** Mounts the module's global middleware on the underlying HTTP server; none when the module has none. */
export function mountGlobalMiddleware(app: INestApplication): number {
  let handlers: Handler[];
  try {
    handlers = app.get<Handler[]>(GLOBAL_HTTP_MIDDLEWARE, { strict: false });
  } catch {
    return 0;
  }
  for (const handler of handlers) {
    app.use(handler);
    // a 'clientError' listener replaces Node's own answer: the handler answers as Node would
    if (handler.clientError)
      (app.getHttpServer() as Server).on('clientError', handler.clientError as (error: Error, socket: Duplex) => void);
  }
  return handlers.length;
}
