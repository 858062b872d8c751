import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configureLogging } from '@meshtrail/observability';
import { waitFor } from '../../../../../test/support/poll';
import { parseRfc5424, TestSyslogReceiver } from '../../../../../test/support/syslog';
import { selfSignedCertificate } from '../../../../../test/support/tls';
import type { SiemEntry } from '../siem-entry';
import { SyslogSink } from './syslog.sink';
import { parseSyslogReceiver } from './syslog-receiver';

function entry(n: number): SiemEntry {
  return {
    stream: 'access-logs',
    timestamp: '2026-03-04T05:06:07.089Z',
    hostname: 'gw-1',
    appName: 'meshtrail-gateway',
    msgId: 'access',
    severity: 6,
    sdName: 'access',
    params: [
      ['n', String(n)],
      ['path', '/x?q="a]b\\c"'],
    ],
    message: `127.0.0.1 200 "GET /x/${n}" [jörg] - - 1ms`,
    json: '{}',
  };
}

const FORMAT = { facility: 16, enterpriseId: 32473 };

/** Bytes the kernel holds for the listening side of `port`, not yet read by the application. */
function unreadBytesAt(port: number): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0]), 0);
}

describe('SyslogSink (real TCP and TLS connections)', () => {
  const logs: Array<Record<string, unknown>> = [];
  beforeAll(() =>
    configureLogging({ service: 'test', level: 'INFO', format: 'json', write: (line) => logs.push(JSON.parse(line)) }),
  );
  afterAll(() => configureLogging({ service: 'test', level: 'ERROR', format: 'json' }));

  it('sends RFC 5424 messages, octet-counted, that an independent parser reads back', async () => {
    const receiver = new TestSyslogReceiver();
    const port = await receiver.start();
    const sink = new SyslogSink(parseSyslogReceiver(`tcp://127.0.0.1:${port}`)!, { confirmMs: 20 }, FORMAT);
    try {
      await sink.deliver([entry(1), entry(2)]);
      await waitFor('two messages', () => receiver.messages.length === 2);
      const parsed = receiver.messages.map(parseRfc5424);
      expect(parsed[0]).toEqual({
        pri: 134,
        version: 1,
        timestamp: '2026-03-04T05:06:07.089Z',
        hostname: 'gw-1',
        appName: 'meshtrail-gateway',
        procId: '-',
        msgId: 'access',
        structuredData: { 'access@32473': { n: '1', path: '/x?q="a]b\\c"' } },
        message: '127.0.0.1 200 "GET /x/1" [jörg] - - 1ms',
        bom: true,
      });
      expect(parsed[1].structuredData['access@32473'].n).toBe('2');
    } finally {
      await sink.close();
      await receiver.stop();
    }
  });

  it('fails while the receiver is down, reconnects when it is back, and says so once each way', async () => {
    const receiver = new TestSyslogReceiver();
    const port = await receiver.start();
    await receiver.stop();
    const sink = new SyslogSink(parseSyslogReceiver(`tcp://127.0.0.1:${port}`)!, { confirmMs: 20 }, FORMAT);
    try {
      await expect(sink.deliver([entry(1)])).rejects.toThrow(/ECONNREFUSED/);
      await expect(sink.deliver([entry(1)])).rejects.toThrow(/ECONNREFUSED/);
      await receiver.start(port);
      await sink.deliver([entry(1)]);
      await waitFor('the message', () => receiver.messages.length === 1);
      const mine = logs.filter((l) => String(l.receiver).endsWith(`:${port}`)).map((l) => l.message);
      expect(mine).toEqual(['SIEM Forwarder Disconnected', 'SIEM Forwarder Reconnected']);
      expect(logs.find((l) => l.message === 'SIEM Forwarder Reconnected')).toMatchObject({ failedAttempts: 2 });
    } finally {
      await sink.close();
      await receiver.stop();
    }
  });

  it('does not count bytes as delivered when the receiver dies with them unread', async () => {
    const receiver = new TestSyslogReceiver();
    const port = await receiver.start(0, { unread: true });
    const sink = new SyslogSink(parseSyslogReceiver(`tcp://127.0.0.1:${port}`)!, { confirmMs: 1000 }, FORMAT);
    try {
      const delivery = sink.deliver([entry(2)]);
      // the kernel took the bytes (the write succeeded), but the receiver has not read them
      await waitFor('the bytes to wait unread at the receiver', () => unreadBytesAt(port) > 0);
      await receiver.stop();
      await expect(delivery).rejects.toThrow(/closed the connection|ECONNRESET/);
      await receiver.start(port);
      await sink.deliver([entry(2)]); // what the forwarder does next: the same batch again
      await waitFor('the resent message', () => receiver.messages.some((m) => m.includes('"GET /x/2"')));
    } finally {
      await sink.close();
      await receiver.stop();
    }
  });

  it('speaks TLS to a receiver whose certificate the configured CA signed, and refuses one it did not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-tls-'));
    try {
      const { key, cert } = selfSignedCertificate(dir, { commonName: 'localhost', subjectAltName: 'DNS:localhost' });
      const receiver = new TestSyslogReceiver({ key, cert });
      const port = await receiver.start();
      const trusted = new SyslogSink(
        parseSyslogReceiver(`tls://localhost:${port}`)!,
        { confirmMs: 20, ca: cert },
        FORMAT,
      );
      const untrusted = new SyslogSink(parseSyslogReceiver(`tls://localhost:${port}`)!, { confirmMs: 20 }, FORMAT);
      try {
        await trusted.deliver([entry(7)]);
        await waitFor('the message over TLS', () => receiver.messages.length === 1);
        expect(parseRfc5424(receiver.messages[0]).message).toBe('127.0.0.1 200 "GET /x/7" [jörg] - - 1ms');
        await expect(untrusted.deliver([entry(8)])).rejects.toThrow(/self[- ]signed/i);
      } finally {
        await trusted.close();
        await untrusted.close();
        await receiver.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
