import type { IncomingMessage } from 'node:http';
import {
  isWrapped,
  type Instrumentation,
  type InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
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
 * kafkajs' instrumentation for producers only: `send <topic>` spans and the trace context in each
 * record's headers. Its consumer side, given an eachBatch handler, starts a span, reads the trace
 * context from the headers and records a duration histogram for every record of every batch (and
 * with tracing on, exports a span per record); BatchConsumer traces each batch once instead
 * (traceConsumedBatch), so consumers are left as kafkajs made them.
 */
export class KafkaJsProducerInstrumentation extends KafkaJsInstrumentation {
  protected override init(): InstrumentationNodeModuleDefinition {
    const definition = super.init();
    const patch = definition.patch;
    definition.patch = (exports: { Kafka?: { prototype: { consumer: unknown } } }, version?: string) => {
      const patched = patch ? (patch(exports, version) as typeof exports) : exports;
      const prototype = patched?.Kafka?.prototype;
      if (prototype && isWrapped(prototype.consumer)) this._unwrap(prototype, 'consumer');
      return patched;
    };
    return definition;
  }
}

/**
 * What every service traces and measures through maintained instrumentations: HTTP server and
 * client (with the request duration histogram), Express only to name the matched route, pg
 * (statement text with its $n placeholders, never the values; pool and duration metrics),
 * kafkajs (producer spans, context carried in the record headers; consumed batches are traced by
 * BatchConsumer) and the Node.js
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
    new KafkaJsProducerInstrumentation(),
    new RuntimeNodeInstrumentation(),
  ];
}
