import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  metrics,
  propagation,
  trace,
  type Link,
  type TextMapGetter,
} from '@opentelemetry/api';
import { ATTR_DB_COLLECTION_NAME, ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { errorType, withSpan } from './with-span';

const meter = metrics.getMeter('meshtrail');
const writeDuration = meter.createHistogram('meshtrail.store.write.duration', {
  unit: 's',
  description: "One consumed batch's database write (one transaction), by table",
  advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
});

/** The span limit's default: a batch of thousands links to its first records only. */
const MAX_LINKS = 128;

/** Record headers as the consumer hands them over: one string per header name. */
export type RecordHeaders = Record<string, string | undefined>;

const headerGetter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/**
 * Links to the spans that produced the records (the trace context their producer put in the
 * headers). A batch has many parents, so its write cannot be any one trace's child: links are
 * how a trace viewer leads from the request that published an event to the write that stored it.
 */
export function producerLinks(records: ReadonlyArray<{ headers: RecordHeaders }>): Link[] {
  const links: Link[] = [];
  for (const record of records) {
    if (links.length >= MAX_LINKS) break;
    const producer = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, record.headers, headerGetter));
    if (producer && trace.isSpanContextValid(producer)) links.push({ context: producer });
  }
  return links;
}

/**
 * Runs one batch's database write in a `write <table>` span (the pg statements inside are its
 * children), linked to each record's producer span, and records its duration. `rowsOf` tells how
 * many rows the write stored, for the span.
 */
export function traceBatchWrite<T>(
  table: string,
  records: ReadonlyArray<{ headers: RecordHeaders }>,
  write: () => Promise<T>,
  rowsOf: (result: T) => number,
): Promise<T> {
  const attributes = { [ATTR_DB_COLLECTION_NAME]: table };
  return withSpan(
    `write ${table}`,
    { attributes: { ...attributes, 'meshtrail.batch.records': records.length } },
    async (span) => {
      // reading every record's headers is only worth it when the span is kept
      if (span.isRecording()) span.addLinks(producerLinks(records));
      const started = performance.now();
      let failure: string | undefined;
      try {
        const result = await write();
        span.setAttribute('meshtrail.batch.rows_written', rowsOf(result));
        return result;
      } catch (error) {
        failure = errorType(error);
        throw error;
      } finally {
        const seconds = (performance.now() - started) / 1000;
        writeDuration.record(seconds, failure ? { ...attributes, [ATTR_ERROR_TYPE]: failure } : attributes);
      }
    },
  );
}

/**
 * Runs the handling of one consumed batch in a `process <topic>` consumer span, the root of the
 * batch's trace (the write spans inside are its children), linked to the spans that produced its
 * records. One span per batch: kafkajs' own instrumentation would start a span, read the headers
 * and record a histogram for every record of a batch (see meshtrailInstrumentations).
 */
export function traceConsumedBatch<T>(
  topic: string,
  partition: number,
  records: ReadonlyArray<{ headers: RecordHeaders }>,
  handle: () => Promise<T>,
): Promise<T> {
  return context.with(ROOT_CONTEXT, () =>
    withSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.batch.message_count': records.length,
        },
      },
      (span) => {
        if (span.isRecording()) span.addLinks(producerLinks(records));
        return handle();
      },
    ),
  );
}
