import net from 'node:net';

/** The SSLRequest and GSSENCRequest codes: a client that sends one sends its startup message after. */
const PRE_STARTUP_CODES = new Set([80877103, 80877104]);

/**
 * Counts the statements a PostgreSQL client sends through one connection, by reading the
 * frontend protocol: a simple Query ('Q') or an Execute ('E') of the extended protocol is one
 * statement. The startup messages before them carry no type byte.
 */
class StatementCounter {
  private buffered = Buffer.alloc(0);
  private started = false;

  constructor(private readonly count: () => void) {}

  feed(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffered.length < 8) return;
        const length = this.buffered.readInt32BE(0);
        if (this.buffered.length < length) return;
        this.started = !PRE_STARTUP_CODES.has(this.buffered.readInt32BE(4));
        this.buffered = this.buffered.subarray(length);
        continue;
      }
      if (this.buffered.length < 5) return;
      const length = this.buffered.readInt32BE(1);
      if (this.buffered.length < length + 1) return;
      const type = String.fromCharCode(this.buffered[0]);
      if (type === 'Q' || type === 'E') this.count();
      this.buffered = this.buffered.subarray(length + 1);
    }
  }
}

/**
 * A TCP proxy a test can cut and restore, to take a dependency "down" for one service without
 * stopping the shared server: cut() closes every connection and refuses new ones. In front of
 * PostgreSQL it also counts the statements that pass (`statements`), so a test can tell how many
 * queries a service made without asking the service.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** Statements (simple queries and extended-protocol executes) clients sent through the proxy. */
  statements = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A started proxy in front of the server a URL names, and the same URL pointing through it. */
  static async inFrontOf(url: string): Promise<{ proxy: TcpProxy; url: string }> {
    const target = new URL(url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    target.host = `127.0.0.1:${proxy.port}`;
    return { proxy, url: target.toString() };
  }

  async start(port = this.port): Promise<number> {
    this.server = net.createServer((client) => {
      const upstream = net.connect({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      const counter = new StatementCounter(() => this.statements++);
      client.on('data', (chunk: Buffer) => counter.feed(chunk));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Closes the listener and every proxied connection: the target looks down. */
  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Listens again on the same port: the target is back. */
  async restore(): Promise<void> {
    await this.start(this.port);
  }
}
