import type { INestApplication } from '@nestjs/common';

/**
 * Provider token for middleware every request must pass first, before body parsing and routing
 * (the access log): bootstrapService mounts what it resolves to (an array of handlers).
 */
export const GLOBAL_HTTP_MIDDLEWARE = Symbol('GLOBAL_HTTP_MIDDLEWARE');

type Handler = (req: never, res: never, next: () => void) => void;

/** Mounts the module's global middleware on the underlying HTTP server; none when the module has none. */
export function mountGlobalMiddleware(app: INestApplication): number {
  let handlers: Handler[];
  try {
    handlers = app.get<Handler[]>(GLOBAL_HTTP_MIDDLEWARE, { strict: false });
  } catch {
    return 0;
  }
  for (const handler of handlers) app.use(handler);
  return handlers.length;
}
