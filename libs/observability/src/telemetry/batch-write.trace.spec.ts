import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { producerLinks, traceBatchWrite, traceConsumedBatch } from './batch-write.trace';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
provider.register();
afterEach(() => exporter.reset());
afterAll(() => provider.shutdown());

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = (span: string) => `00-${TRACE}-${span}-01`;

describe('the span around one batch write', () => {
  it('links to the span that produced each record, skipping records without trace context', async () => {
    const records = [
      { headers: { traceparent: traceparent('00f067aa0ba902b7') } },
      { headers: {} },
      { headers: { traceparent: 'not a traceparent' } },
      { headers: { traceparent: traceparent('00f067aa0ba902b8') } },
    ];
    const rows = await traceBatchWrite(
      'audit_events',
      records,
      async () => ({ stored: 2 }),
      (r) => r.stored,
    );

    expect(rows).toEqual({ stored: 2 });
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('write audit_events');
    expect(span.attributes).toMatchObject({
      'db.collection.name': 'audit_events',
      'meshtrail.batch.records': 4,
      'meshtrail.batch.rows_written': 2,
    });
    expect(span.links.map((link) => [link.context.traceId, link.context.spanId])).toEqual([
      [TRACE, '00f067aa0ba902b7'],
      [TRACE, '00f067aa0ba902b8'],
    ]);
  });

  it('is the parent of what the write does, so the statements show under it', async () => {
    await traceBatchWrite(
      'auth_events',
      [],
      async () => trace.getTracer('test').startActiveSpan('INSERT', (inner) => inner.end()),
      () => 0,
    );
    const [inner, write] = exporter.getFinishedSpans();
    expect(inner.parentSpanContext?.spanId).toBe(write.spanContext().spanId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('marks a failed write with the SQLSTATE only, never the database message, and rethrows', async () => {
    const failure = Object.assign(new Error('invalid input syntax for type uuid: "jane@example.com"'), {
      code: '22P02',
    });
    await expect(
      traceBatchWrite(
        'audit_events',
        [],
        () => Promise.reject(failure),
        () => 0,
      ),
    ).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: '22P02' });
    expect(JSON.stringify([span.attributes, span.events, span.status])).not.toContain('jane@example.com');
  });

  it('caps the links at the span limit of 128', () => {
    const records = Array.from({ length: 300 }, (_, i) => ({
      headers: { traceparent: traceparent(i.toString(16).padStart(16, '1')) },
    }));
    expect(producerLinks(records)).toHaveLength(128);
  });
});

describe('the span around one consumed batch', () => {
  it('is one consumer span per batch, a trace root linked to the producers, with the writes inside it', async () => {
    const records = [
      { headers: { traceparent: traceparent('00f067aa0ba902b7') } },
      { headers: {} },
      { headers: { traceparent: traceparent('00f067aa0ba902b8') } },
    ];
    // started inside another span (kafkajs' fetch loop may run in one): the batch is still a root
    const outer = trace.getTracer('test').startSpan('outer');
    const handled = await trace.getTracer('test').startActiveSpan('outer-active', (active) =>
      traceConsumedBatch('audit.events.v1', 2, records, () =>
        traceBatchWrite(
          'audit_events',
          records,
          async () => 'stored',
          () => 2,
        ),
      ).finally(() => active.end()),
    );
    outer.end();

    expect(handled).toBe('stored');
    const spans = exporter.getFinishedSpans();
    const batch = spans.find((s) => s.name === 'process audit.events.v1')!;
    const write = spans.find((s) => s.name === 'write audit_events')!;
    expect(spans.filter((s) => s.name === 'process audit.events.v1')).toHaveLength(1);
    expect(batch.kind).toBe(SpanKind.CONSUMER);
    expect(batch.parentSpanContext).toBeUndefined();
    expect(batch.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'audit.events.v1',
      'messaging.destination.partition.id': '2',
      'messaging.batch.message_count': 3,
    });
    expect(batch.links.map((link) => link.context.spanId)).toEqual(['00f067aa0ba902b7', '00f067aa0ba902b8']);
    expect(write.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
    expect(write.spanContext().traceId).toBe(batch.spanContext().traceId);
  });
});
