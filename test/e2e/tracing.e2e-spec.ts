import { TOPICS } from '@meshtrail/contracts';
import { LocalOidcIssuer } from '../support/oidc-issuer';
import { OtlpTraceReceiver, type ReceivedSpan } from '../support/otlp-trace-receiver';
import { waitFor } from '../support/poll';
import { ServiceProcess } from '../support/service-process';
import { createTestStack, type TestStack } from '../support/test-stack';

const ACTOR = 'jane.doe@example.com';

describe('one trace from a gateway request through Kafka to the ingest database write', () => {
  let stack: TestStack;
  let idp: LocalOidcIssuer;
  let receiver: OtlpTraceReceiver;
  let gateway: ServiceProcess;
  let ingest: ServiceProcess;

  beforeAll(async () => {
    stack = await createTestStack('tracing');
    idp = await LocalOidcIssuer.start('meshtrail');
    receiver = await OtlpTraceReceiver.start();
    const tracing = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // export each span soon after it ends, not every five seconds
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    [gateway, ingest] = await Promise.all([
      ServiceProcess.start('gateway', { ...stack.env, ...idp.env(), ...tracing }),
      ServiceProcess.start('audit-ingest', { ...stack.env, ...tracing }),
    ]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([gateway?.stop(), ingest?.stop()]);
    await receiver?.stop();
    await idp?.stop();
    await stack?.teardown();
  });

  it('leads from the HTTP request to the Kafka send, and by links from the consumed record to the write that stored it', async () => {
    const token = await idp.sign({ sub: 'u-admin', realm_access: { roles: ['meshtrail-admin'] } });
    expect((await fetch(`${gateway.url}/actuator/health`)).status).toBe(200);
    const res = await fetch(`${gateway.url}/api/v1/events?actor=${encodeURIComponent(ACTOR)}&limit=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    // the read is audited: its AuditLogViewed event is published, consumed and stored
    await waitFor('the AuditLogViewed event in the store', async () => {
      const rows = await stack.query<{ id: string }>('SELECT id FROM audit_events WHERE type = $1', [
        'meshtrail.auditlog.viewed',
      ]);
      return rows.length > 0 && rows;
    });

    const auditTopic = stack.topic(TOPICS.auditEvents);
    const found = await waitFor(
      'the spans of the request, the send, the consumption and the write',
      () => {
        const spans = receiver.spans;
        const server = spans.find(
          (s) =>
            s.service === 'meshtrail-gateway' && s.kind === 'server' && s.attributes['url.path'] === '/api/v1/events',
        );
        if (!server) return false;
        const inTrace = spans.filter((s) => s.traceId === server.traceId);
        const send = inTrace.find((s) => s.kind === 'producer' && s.name === `send ${auditTopic}`);
        if (!send) return false;
        const linksToSend = (s: ReceivedSpan) =>
          s.links.some((link) => link.traceId === send.traceId && link.spanId === send.spanId);
        const process = spans.find(
          (s) => s.service === 'meshtrail-audit-ingest' && s.kind === 'consumer' && linksToSend(s),
        );
        const write = spans.find(
          (s) => s.service === 'meshtrail-audit-ingest' && s.name === 'write audit_events' && linksToSend(s),
        );
        if (!process || !write) return false;
        const statements = spans.filter((s) => s.traceId === write.traceId && s.parentSpanId === write.spanId);
        const insert = statements.find((s) =>
          String(s.attributes['db.query.text']).includes('INSERT INTO audit_event_ids'),
        );
        const copy = statements.find((s) => s.name === 'COPY audit_events');
        const gatewayQueries = inTrace.filter((s) => s.attributes['db.system.name'] === 'postgresql');
        return (
          insert &&
          copy &&
          gatewayQueries.length > 0 && { server, send, process, write, insert, copy, gatewayQueries, inTrace }
        );
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const { server, send, process, write, insert, copy, gatewayQueries, inTrace } = found;

    // the gateway's side is one trace: request → (Nest handler) → Kafka send, by parent links
    expect(server.attributes['http.route']).toBe('/api/v1/events');
    expect(receiver.ancestry(send).map((s) => s.spanId)).toContain(server.spanId);
    expect(send.attributes['messaging.destination.name']).toBe(auditTopic);

    // the ingest consumes in batches: the record's processing span and the batch's write span
    // belong to the batch's trace and link back to the span that sent the record
    expect(process.name).toBe(`process ${auditTopic}`);
    expect(write.attributes).toMatchObject({ 'db.collection.name': 'audit_events', 'meshtrail.batch.rows_written': 1 });
    expect(write.traceId).toBe(process.traceId);
    // one processing span per batch (not per record), the parent of the batch's write
    expect(process.attributes['messaging.batch.message_count']).toBe(write.attributes['meshtrail.batch.records']);
    expect(write.parentSpanId).toBe(process.spanId);
    // the statements of the write are its children: the id registration (an INSERT) and the COPY
    expect(insert.attributes['db.query.text']).toContain('$1');
    expect(copy.attributes).toMatchObject({
      'db.operation.name': 'COPY',
      'db.collection.name': 'audit_events',
      'meshtrail.batch.rows_written': 1,
    });
    expect(copy.kind).toBe('client');

    // never recorded: the values of statement parameters and of query-string parameters
    for (const query of gatewayQueries) expect(JSON.stringify(query.attributes)).not.toContain(ACTOR);
    expect(gatewayQueries.some((q) => String(q.attributes['db.query.text']).includes('$'))).toBe(true);
    expect(server.attributes['url.query']).toBe('actor=REDACTED&limit=REDACTED');
    expect(JSON.stringify(inTrace.filter((s) => s.service === 'meshtrail-gateway'))).not.toContain(ACTOR);
    // probes leave no trace
    expect(receiver.spans.filter((s) => String(s.attributes['url.path']).startsWith('/actuator'))).toEqual([]);
  });
});
