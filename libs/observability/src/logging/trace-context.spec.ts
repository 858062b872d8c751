import { context, INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AppLogger } from './app-logger';
import { configureLogging } from './root-logger';

describe('trace_id and span_id in log lines', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  const tracer = new BasicTracerProvider().getTracer('log-test');
  const lines: Array<Record<string, unknown>> = [];
  const logger = new AppLogger('Traced');

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
    configureLogging({ service: 'test', level: 'ERROR', format: 'json' });
  });
  beforeEach(() => {
    lines.length = 0;
    configureLogging({ service: 'test', level: 'INFO', format: 'json', write: (line) => lines.push(JSON.parse(line)) });
  });

  it('carries the active span ids in every line written inside it, across awaits, and none outside', async () => {
    const span = tracer.startSpan('request');
    await context.with(trace.setSpan(context.active(), span), async () => {
      logger.info('Before Await', { step: 1 });
      await new Promise((resolve) => setImmediate(resolve));
      logger.warn('After Await');
    });
    span.end();
    logger.info('Outside');

    const { traceId, spanId } = span.spanContext();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines).toEqual([
      expect.objectContaining({ message: 'Before Await', step: 1, trace_id: traceId, span_id: spanId }),
      expect.objectContaining({ message: 'After Await', trace_id: traceId, span_id: spanId }),
      expect.not.objectContaining({ trace_id: expect.anything() }),
    ]);
    expect(lines[2].message).toBe('Outside');
  });

  it('names the innermost span and writes the ids after the fields', () => {
    const outer = tracer.startSpan('outer');
    const inner = tracer.startSpan('inner', undefined, trace.setSpan(context.active(), outer));
    context.with(trace.setSpan(context.active(), inner), () => logger.info('Nested', { count: 2 }));
    expect(Object.keys(lines[0]).slice(-4)).toEqual(['count', 'trace_id', 'span_id', 'message']);
    expect(lines[0]).toMatchObject({ trace_id: outer.spanContext().traceId, span_id: inner.spanContext().spanId });
  });

  it('adds nothing for a span context that is not valid (a non-recording, all-zero span)', () => {
    context.with(trace.setSpan(context.active(), trace.wrapSpanContext(INVALID_SPAN_CONTEXT)), () =>
      logger.info('Untraced'),
    );
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[0]).not.toHaveProperty('span_id');
  });
});
