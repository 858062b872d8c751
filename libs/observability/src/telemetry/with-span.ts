import { SpanStatusCode, trace, type Span, type SpanOptions } from '@opentelemetry/api';

const tracer = trace.getTracer('meshtrail');

/** What failed, by SQLSTATE or error kind only: a database message can quote the value it refused. */
export function errorType(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  return code ?? name ?? 'Error';
}

/** Runs `work` in an active span that ends with it; a failure marks the span with its errorType. */
export function withSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
