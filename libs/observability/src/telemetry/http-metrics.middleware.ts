import { Injectable, type NestMiddleware } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';

const meter = metrics.getMeter('meshtrail');
const duration = meter.createHistogram('http.server.request.duration', {
  unit: 's',
  description: 'HTTP request duration by route template, method and status (its count is the request count)',
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
});

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template the request matched ("/api/v1/events/:id"), never the raw path: raw paths
 * carry ids and would make one series per object. Requests no route matched share one value.
 */
export function routeTemplate(req: Pick<Request, 'route' | 'baseUrl'>, ownRoute?: unknown): string {
  // the middleware's own catch-all mount is a route too: still being on it means nothing matched
  if (req.route === undefined || req.route === ownRoute) return 'unmatched';
  const path = (req.route as { path?: unknown }).path;
  if (typeof path !== 'string') return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}

export function httpMetricAttributes(
  req: Pick<Request, 'route' | 'baseUrl' | 'method'>,
  status: number,
  ownRoute?: unknown,
) {
  return {
    'http.route': routeTemplate(req, ownRoute),
    'http.request.method': KNOWN_METHODS.has(req.method) ? req.method : '_OTHER',
    'http.response.status_code': status,
  };
}

/** Times every request, recorded once the response is finished (or the client went away). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    const ownRoute: unknown = req.route;
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      duration.record(seconds, httpMetricAttributes(req, res.statusCode, ownRoute));
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  }
}
