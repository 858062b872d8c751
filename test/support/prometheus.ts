import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './poll';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private Prometheus (the Debian package) with its remote-write receiver: the operations center
 * in tests. Its own port and storage directory; it never touches a system instance. Stopping and
 * starting again keeps the storage, as a real outage would.
 */
export class PrometheusServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** `configure` writes prometheus.yml (and any files it names) into the server's directory; default: scrape nothing. */
  static async start(configure?: (dir: string) => string): Promise<PrometheusServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-prometheus-'));
    const config = configure ? configure(dir) : 'global:\n  scrape_interval: 1h\nscrape_configs: []\n';
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
    const server = new PrometheusServer(await freePort(), dir);
    await server.resume();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get writeUrl(): string {
    return `${this.url}/api/v1/write`;
  }

  /** Starts (again) on the same port and storage. */
  async resume(): Promise<void> {
    const child = spawn(
      'prometheus',
      [
        `--config.file=${path.join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        '--web.enable-remote-write-receiver',
        '--storage.tsdb.retention.time=1d',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitFor(
      'prometheus to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${this.output.slice(-500)}`);
        return (await fetch(`${this.url}/-/ready`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /** SIGTERM and wait: the operations center is down. */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
    this.child = undefined;
  }

  async remove(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** An instant query; the result vector. */
  async query(
    expression: string,
    time?: number,
  ): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const params = new URLSearchParams({ query: expression });
    if (time !== undefined) params.set('time', String(time / 1000));
    const response = await fetch(`${this.url}/api/v1/query?${params}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: never[] } };
    if (body.status !== 'success') throw new Error(`query ${expression} failed: ${body.error}`);
    return body.data.result;
  }

  /** Every series matching the selector (label sets). */
  async series(selector: string): Promise<Array<Record<string, string>>> {
    const params = new URLSearchParams({ 'match[]': selector, start: String(Date.now() / 1000 - 3600) });
    const response = await fetch(`${this.url}/api/v1/series?${params}`);
    const body = (await response.json()) as { status: string; error?: string; data: Array<Record<string, string>> };
    if (body.status !== 'success') throw new Error(`series ${selector} failed: ${body.error}`);
    return body.data;
  }
}
