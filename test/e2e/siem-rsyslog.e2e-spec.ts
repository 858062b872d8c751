import fs from 'node:fs';
import path from 'node:path';
import { TOPICS } from '@meshtrail/contracts';
import { createKafkaClient } from '@meshtrail/kafka';
import { waitFor } from '../support/poll';
import { Rsyslog } from '../support/rsyslog';
import { ServiceProcess } from '../support/service-process';
import { parseRfc5424, type ParsedSyslog } from '../support/syslog';
import { createTestStack, type TestStack } from '../support/test-stack';

/**
 * The gateway's access records travel through access-logs.v1 to the access-log service, which
 * forwards them to a real rsyslogd over TCP as RFC 5424 with octet counting, and to an NDJSON file.
 */
describe('SIEM forwarding to a real rsyslog', () => {
  let stack: TestStack;
  let rsyslog: Rsyslog;
  let gateway: ServiceProcess;
  let accessLog: ServiceProcess;
  let ndjson: string;

  beforeAll(async () => {
    stack = await createTestStack('siemrsyslog');
    rsyslog = await Rsyslog.start();
    ndjson = path.join(rsyslog.dir, 'siem.ndjson');
    gateway = await ServiceProcess.start('gateway', { ...stack.env, ACCESS_LOG_STDOUT: 'true' });
    accessLog = await ServiceProcess.start('access-log', {
      ...stack.env,
      SIEM_SYSLOG_RECEIVERS: `tcp://127.0.0.1:${rsyslog.port}`,
      SIEM_SYSLOG_STREAMS: 'access-logs,audit-events',
      SIEM_NDJSON_TARGET: `file://${ndjson}`,
    });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await accessLog?.stop();
    await rsyslog?.remove();
    await stack.teardown();
  });

  const request = async (urlPath: string) => {
    const res = await fetch(`${gateway.url}${urlPath}`, { headers: { 'user-agent': 'siem-e2e/1.0', accept: '*/*' } });
    await res.arrayBuffer();
    return res.status;
  };
  const received = (marker: string): ParsedSyslog[] =>
    rsyslog
      .raw()
      .map(parseRfc5424)
      .filter((message) => message.message.includes(marker));

  it('delivers requests as RFC 5424; while rsyslog is stopped nothing is lost: every request arrives once it is back', async () => {
    // phase 1: rsyslog up
    const first = Array.from({ length: 5 }, (_, i) => `/siem/phase1/${i}`);
    for (const urlPath of first) expect(await request(urlPath)).toBe(404);
    const arrived = await waitFor('phase 1 at rsyslog', () => {
      const messages = received('/siem/phase1/');
      return messages.length >= first.length ? messages : undefined;
    });
    const gatewayLines = gateway.rawStdout.filter((line) => line.includes('"GET /siem/phase1/'));
    for (const message of arrived) {
      expect(message).toMatchObject({
        pri: 16 * 8 + 5,
        version: 1,
        appName: 'meshtrail-gateway',
        msgId: 'access',
        bom: true,
      });
      const sd = message.structuredData['access@32473'];
      expect(sd).toMatchObject({
        service: 'gateway',
        method: 'GET',
        status: '404',
        userAgent: 'siem-e2e/1.0',
        accept: '*/*',
      });
      expect(sd.path).toMatch(/^\/siem\/phase1\/\d$/);
      // the message is the access line the gateway wrote, byte for byte
      expect(gatewayLines).toContain(message.message);
    }
    // rsyslog itself read them as RFC 5424 (protocol version 1, structured data, MSGID)
    const parsedByRsyslog = rsyslog.parsed().filter((m) => m.msg.includes('/siem/phase1/'));
    expect(parsedByRsyslog.length).toBeGreaterThanOrEqual(first.length);
    for (const m of parsedByRsyslog) {
      expect(m).toMatchObject({ version: '1', app: 'meshtrail-gateway', msgid: 'access' });
      expect(m.sd).toMatch(/^\[access@32473 id="[0-9a-f-]{36}" service="gateway" /);
    }

    // audit events go the same way, configured as a second stream
    const kafka = createKafkaClient({ KAFKA_BROKERS: stack.brokers, KAFKA_SSL: false }, 'siem-e2e');
    const producer = kafka.producer();
    await producer.connect();
    const event = {
      specversion: '1.0',
      id: 'evt-siem-e2e-1',
      source: 'meshstack/workspaces',
      type: 'meshstack.workspace.updated',
      subject: 'ws-1',
      time: '2026-03-04T05:06:07.000Z',
      data: { change: 'added jane@example.com as Workspace Manager' },
    };
    await producer.send({
      topic: stack.topic(TOPICS.auditEvents),
      messages: [{ key: 'ws-1', value: JSON.stringify(event) }],
    });
    await producer.disconnect();
    const audit = await waitFor('the audit event at rsyslog', () => received('evt-siem-e2e-1')[0]);
    expect(audit).toMatchObject({ appName: 'meshtrail-audit', msgId: 'audit', timestamp: '2026-03-04T05:06:07.000Z' });
    expect(audit.structuredData['audit@32473']).toEqual({
      id: 'evt-siem-e2e-1',
      source: 'meshstack/workspaces',
      type: 'meshstack.workspace.updated',
      subject: 'ws-1',
      time: '2026-03-04T05:06:07.000Z',
    });
    expect(JSON.parse(audit.message)).toEqual(event);

    // phase 2: rsyslog stopped, more requests
    await rsyslog.stop();
    const second = Array.from({ length: 20 }, (_, i) => `/siem/phase2/${i}`);
    for (const urlPath of second) expect(await request(urlPath)).toBe(404);
    await accessLog.waitForLog(
      'Batch Failed',
      (line) => line.logger === 'SiemForwarderConsumer' && line.topic === stack.topic(TOPICS.accessLogs),
      30_000,
    );
    expect(received('/siem/phase2/')).toEqual([]);

    // rsyslog back: every request made while it was down arrives
    await rsyslog.start();
    const late = await waitFor(
      'every phase 2 request at rsyslog',
      () => {
        const paths = new Set(received('/siem/phase2/').map((m) => m.structuredData['access@32473'].path));
        return second.every((p) => paths.has(p)) ? paths : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect([...late].sort()).toEqual([...second].sort());
    await accessLog.waitForLog(
      'SIEM Forwarder Reconnected',
      (line) => line.receiver === `tcp://127.0.0.1:${rsyslog.port}`,
    );

    // the NDJSON sink (access logs only, its default) has every access record, one JSON object per line
    // written one file per UTC day: siem.<day>.ndjson beside the target
    const dayFiles = () => fs.readdirSync(rsyslog.dir).filter((name) => /^siem\.\d{4}-\d{2}-\d{2}\.ndjson$/.test(name));
    const lines = await waitFor('every record in the NDJSON day files', () => {
      if (dayFiles().length === 0) return undefined;
      const objects = dayFiles()
        .map((name) => fs.readFileSync(path.join(rsyslog.dir, name), 'utf8'))
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { path?: string });
      const paths = new Set(objects.map((o) => o.path));
      return [...first, ...second].every((p) => paths.has(p)) ? objects : undefined;
    });
    expect(lines.every((o) => typeof o === 'object')).toBe(true);
  });
});
