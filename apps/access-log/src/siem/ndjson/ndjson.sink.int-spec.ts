import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { SiemEntry } from '../siem-entry';
import { NdjsonFileSink } from './ndjson-file.sink';
import { NdjsonHttpSink } from './ndjson-http.sink';

function entry(json: string): SiemEntry {
  return {
    stream: 'access-logs',
    timestamp: '2026-03-04T05:06:07.089Z',
    hostname: 'h',
    appName: 'a',
    msgId: 'access',
    severity: 6,
    sdName: 'access',
    params: [],
    message: '',
    json,
  };
}

describe('NDJSON sinks (real file and HTTP server)', () => {
  it('appends one JSON object per line to the file of the day (UTC), batch after batch, and a new file each day', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-ndjson-'));
    const target = path.join(dir, 'siem.ndjson');
    let now = Date.parse('2026-12-05T23:59:59.000Z');
    try {
      const sink = new NdjsonFileSink(target, { maxAgeDays: 31, now: () => now });
      await sink.deliver([entry('{"n":1}'), entry('{"n":2}')]);
      await sink.deliver([entry('{"n":3}')]);
      now += 1000;
      await sink.deliver([entry('{"n":4}')]);
      expect(fs.readFileSync(path.join(dir, 'siem.2026-12-05.ndjson'), 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
      expect(fs.readFileSync(path.join(dir, 'siem.2026-12-06.ndjson'), 'utf8')).toBe('{"n":4}\n');
      expect(sink.name).toBe(`file://${target}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deletes the day files older than the maximum age, and nothing else in the directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-ndjson-'));
    const target = path.join(dir, 'siem.ndjson');
    for (const name of [
      'siem.2026-10-01.ndjson',
      'siem.2026-11-04.ndjson',
      'siem.2026-11-05.ndjson',
      'other.2026-01-01.ndjson',
      'siem.ndjson.bak',
    ])
      fs.writeFileSync(path.join(dir, name), '{}\n');
    try {
      const sink = new NdjsonFileSink(target, { maxAgeDays: 31, now: () => Date.parse('2026-12-06T10:00:00Z') });
      await sink.deliver([entry('{"n":1}')]);
      expect(fs.readdirSync(dir).sort()).toEqual([
        'other.2026-01-01.ndjson',
        'siem.2026-11-05.ndjson',
        'siem.2026-12-06.ndjson',
        'siem.ndjson.bak',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('POSTs a batch as NDJSON with the Authorization header, and fails on a non-2xx answer', async () => {
    const received: Array<{ body: string; type?: string; auth?: string }> = [];
    let status = 200;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ body, type: req.headers['content-type'], auth: req.headers.authorization });
        res.writeHead(status).end(status === 200 ? '{"text":"Success"}' : '{"text":"Invalid token"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const sink = new NdjsonHttpSink(`http://user:pw@127.0.0.1:${port}/services/collector/raw`, {
      authorization: 'Splunk 0000-token',
    });
    try {
      await sink.deliver([entry('{"n":1}'), entry('{"n":2}')]);
      expect(received).toEqual([
        { body: '{"n":1}\n{"n":2}\n', type: 'application/x-ndjson', auth: 'Splunk 0000-token' },
      ]);
      expect(sink.name).toBe(`http://127.0.0.1:${port}/services/collector/raw`);
      status = 403;
      await expect(sink.deliver([entry('{"n":3}')])).rejects.toThrow(/answered 403: \{"text":"Invalid token"\}/);
    } finally {
      await sink.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
