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
  it('appends one JSON object per line to a file, batch after batch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-ndjson-'));
    const file = path.join(dir, 'siem.ndjson');
    try {
      const sink = new NdjsonFileSink(file);
      await sink.deliver([entry('{"n":1}'), entry('{"n":2}')]);
      await sink.deliver([entry('{"n":3}')]);
      expect(fs.readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
      expect(sink.name).toBe(`file://${file}`);
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
