import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { decodeMetricsRequest, encodeMetricsRequest, type ExportMetricsServiceRequest } from '@meshtrail/otlp';
import { waitFor } from '../../../../test/support/poll';
import { selfSignedCertificate } from '../../../../test/support/tls';
import { DiskQueue } from '../queue/disk-queue';
import { NO_BEARER, staticBearer } from '../registration/bearer-source';
import type { Transmission } from '../transmission/transmission-log';
import { DeliveryLoop } from './delivery-loop';
import { readCa } from './http-post';
import { OtlpHttpSender } from './metrics-sender';

function heartbeat(ms: number): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'meshtrail-telemetry-relay' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'meshtrail.heartbeat',
                gauge: { dataPoints: [{ attributes: [], timeUnixNano: `${ms}000000`, asDouble: 1 }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

/**
 * The OTLP/HTTP sender against a local HTTPS server whose certificate only the configured CA file
 * vouches for: bearer token, protobuf body, retry with backoff on 503, drop on 400.
 */
describe('DeliveryLoop with OtlpHttpSender over TLS (real HTTPS server, real disk queue)', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  const received: Array<{ path: string; auth?: string; type?: string; body: Buffer }> = [];
  let answers: number[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-otlp-'));
    const { key, cert } = selfSignedCertificate(dir, { commonName: '127.0.0.1', subjectAltName: 'IP:127.0.0.1' });
    server = https.createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          body: Buffer.concat(chunks),
        });
        res.writeHead(answers.shift() ?? 200, { 'Content-Type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('retries a 503 with backoff, then delivers merged batches with the bearer token; a 400 is dropped', async () => {
    const queue = await DiskQueue.open(path.join(dir, 'queue'), 10_000_000);
    const log: Transmission[] = [];
    answers = [503, 503, 200, 400];
    const sender = new OtlpHttpSender({
      endpoint: `https://127.0.0.1:${port}/otlp/`,
      bearer: staticBearer('ops-token'),
      ca: readCa(path.join(dir, 'cert.pem')),
      timeoutMs: 5000,
    });
    const loop = new DeliveryLoop(queue, sender, async (entry) => void log.push(entry), {
      batchMaxBytes: 1_000_000,
      retry: { initialMs: 20, maxMs: 100 },
    });
    await queue.append([
      { category: 'heartbeat', items: 1, payload: encodeMetricsRequest(heartbeat(1000)) },
      { category: 'heartbeat', items: 1, payload: encodeMetricsRequest(heartbeat(2000)) },
    ]);
    loop.start();
    await waitFor('the batch to be delivered', () => log.some((e) => e.result === 'delivered'));
    await queue.append([{ category: 'health', items: 1, payload: encodeMetricsRequest(heartbeat(3000)) }]);
    await waitFor('the refused batch to be dropped', () => log.some((e) => e.result === 'rejected'));
    await loop.stop();

    expect(log.map((e) => [e.category, e.result, e.statusCode, e.items])).toEqual([
      ['heartbeat', 'failed', 503, 2],
      ['heartbeat', 'failed', 503, 2],
      ['heartbeat', 'delivered', 200, 2],
      ['health', 'rejected', 400, 1],
    ]);
    expect(queue.size.segments).toBe(0);
    expect(received[0]).toMatchObject({
      path: '/otlp/v1/metrics',
      auth: 'Bearer ops-token',
      type: 'application/x-protobuf',
    });
    const delivered = decodeMetricsRequest(received[2].body);
    expect(delivered.resourceMetrics).toHaveLength(2);
  });

  it('refuses a server its CA file does not vouch for, and keeps the data for later', async () => {
    const queue = await DiskQueue.open(path.join(dir, 'queue-untrusted'), 10_000_000);
    const log: Transmission[] = [];
    const sender = new OtlpHttpSender({ endpoint: `https://127.0.0.1:${port}`, timeoutMs: 5000, bearer: NO_BEARER });
    const loop = new DeliveryLoop(queue, sender, async (entry) => void log.push(entry), {
      batchMaxBytes: 1_000_000,
      retry: { initialMs: 1000, maxMs: 1000 },
    });
    await queue.append([{ category: 'heartbeat', items: 1, payload: encodeMetricsRequest(heartbeat(1000)) }]);
    loop.start();
    await waitFor('a failed attempt', () => log.length > 0);
    await loop.stop();
    expect(log[0].result).toBe('failed');
    expect(log[0].error).toMatch(/self.signed|certificate/i);
    expect(queue.size.segments).toBe(1);
  });
});
