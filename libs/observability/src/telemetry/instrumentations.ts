import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';

/** Kubernetes probes and Prometheus scrapes: frequent, uninteresting, and neither traced nor timed. */
export function isProbeOrScrape(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0];
  return path === '/metrics' || path === '/actuator' || path.startsWith('/actuator/');
}

/**
 * The query string with every value replaced: filters name workspaces, actors and e-mail
 * addresses, and a trace keeps which parameters were given, never what they held.
 */
export function queryWithoutValues(url: string | undefined): string | undefined {
  const at = (url ?? '').indexOf('?');
  if (at < 0) return undefined;
  return [...new URLSearchParams(url!.slice(at + 1)).keys()].map((name) => `${name}=REDACTED`).join('&');
}

/**
 * What every service traces and measures through maintained instrumentations: HTTP server and
 * client (with the request duration histogram), Express only to name the matched route, pg
 * (statement text with its $n placeholders, never the values; pool and duration metrics),
 * kafkajs (producer and consumer spans, context carried in the record headers) and the Node.js
 * runtime (event loop, heap, GC).
 */
export function meshtrailInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isProbeOrScrape(request.url),
      // incoming requests only: a client request has a path, no url
      requestHook: (span, request) => {
        const query = queryWithoutValues((request as Partial<IncomingMessage>).url);
        if (query !== undefined) span.setAttribute(ATTR_URL_QUERY, query);
      },
    }),
    // layers are not worth a span each; the instrumentation still tells HTTP the matched route
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    }),
    new PgInstrumentation({ enhancedDatabaseReporting: false, ignoreConnectSpans: true }),
    new KafkaJsInstrumentation(),
    new RuntimeNodeInstrumentation(),
  ];
}
