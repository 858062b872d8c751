import { isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceContextFields {
  trace_id?: string;
  span_id?: string;
}

/**
 * The active span's ids, so every line written while a request, a consumed batch or a query is
 * traced can be joined with its trace; none when nothing is traced.
 */
export function traceContextFields(): TraceContextFields {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
