import http from 'node:http';
import https from 'node:https';
import type { SiemEntry } from '../siem-entry';
import type { SiemSink } from '../siem-sink';

export interface NdjsonHttpOptions {
  /** Sent as the Authorization header, e.g. `Splunk <HEC token>` or `Bearer <token>`. */
  authorization?: string;
  ca?: Buffer;
  timeoutMs?: number;
}

/**
 * POSTs each batch as NDJSON (`application/x-ndjson`), as Splunk's HEC raw endpoint, Vector,
 * Fluent Bit or Logstash HTTP inputs take it. A batch counts as delivered on a 2xx answer; any
 * other answer or a network error fails it, and it is sent again.
 */
export class NdjsonHttpSink implements SiemSink {
  readonly name: string;
  private readonly url: URL;
  private readonly agent: http.Agent;

  constructor(
    target: string,
    private readonly options: NdjsonHttpOptions = {},
  ) {
    this.url = new URL(target);
    // user:password in the URL is sent as basic auth, but never named in logs
    this.name = `${this.url.origin}${this.url.pathname}`;
    this.agent =
      this.url.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ca: options.ca })
        : new http.Agent({ keepAlive: true });
  }

  deliver(entries: SiemEntry[]): Promise<void> {
    const body = Buffer.from(entries.map((entry) => `${entry.json}\n`).join(''), 'utf8');
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/x-ndjson',
      'content-length': body.length,
    };
    if (this.options.authorization) headers.authorization = this.options.authorization;
    const request = this.url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(this.url, { method: 'POST', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else
            reject(
              new Error(`${this.name} answered ${status}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`),
            );
        });
        res.on('error', reject);
      });
      req.setTimeout(this.options.timeoutMs ?? 10_000, () => req.destroy(new Error(`${this.name} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
