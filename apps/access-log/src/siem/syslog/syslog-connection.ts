import net from 'node:net';
import tls from 'node:tls';
import { AppLogger } from '@meshtrail/observability';
import type { SyslogReceiver } from './syslog-receiver';

export interface SyslogConnectionOptions {
  /** PEM CA bundle for tls:// receivers (the system's CAs otherwise). */
  ca?: Buffer;
  /** How long the connection must stay open after a write before the bytes count as taken. */
  confirmMs: number;
  connectTimeoutMs?: number;
}

/**
 * One TCP (or TLS) connection to a syslog receiver, opened on demand and reopened after a loss.
 *
 * "Delivered" means: every byte was handed to the kernel (the write callback), and the
 * connection then stayed open for `confirmMs`. A receiver that went away before or during the
 * write answers our bytes with a reset, which closes the connection within a round trip, so the
 * batch fails and is sent again on a new connection. Syslog over TCP has no acknowledgement
 * (RFC 6587): a receiver that crashes after that window with our bytes still unread in its socket
 * buffer can lose them; everything else is at-least-once, and a resent batch may repeat messages.
 */
export class SyslogConnection {
  private readonly logger = new AppLogger('SiemForwarder');
  private socket?: net.Socket;
  private connecting?: Promise<net.Socket>;
  private outage?: { since: number; attempts: number };
  private connectedOnce = false;
  private closed = false;

  constructor(
    private readonly receiver: SyslogReceiver,
    private readonly options: SyslogConnectionOptions,
  ) {}

  async deliver(payload: Buffer): Promise<void> {
    const socket = await this.connect();
    await this.write(socket, payload);
    await this.confirm(socket);
  }

  private connect(): Promise<net.Socket> {
    if (this.closed) return Promise.reject(new Error('connection closed by the forwarder'));
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private open(): Promise<net.Socket> {
    const { host, port } = this.receiver;
    const timeoutMs = this.options.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = this.receiver.tls
        ? tls.connect({ host, port, ca: this.options.ca, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
      const timer = setTimeout(() => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        this.noteOutage(error, true);
        reject(error);
      };
      socket.once('error', fail);
      socket.once(this.receiver.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        this.adopt(socket);
        resolve(socket);
      });
    });
  }

  private adopt(socket: net.Socket): void {
    let lastError: Error | undefined;
    socket.setKeepAlive(true, 30_000);
    socket.setNoDelay(true);
    socket.on('data', () => undefined); // receivers do not speak; read and discard whatever comes
    socket.on('end', () => socket.destroy()); // the receiver closed its side: this connection is done
    socket.on('error', (error) => (lastError = error));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (!this.closed) this.noteOutage(lastError ?? new Error('the receiver closed the connection'), false);
    });
    this.socket = socket;
    if (this.outage) {
      this.logger.info('SIEM Forwarder Reconnected', {
        receiver: this.receiver.url,
        downForMs: Date.now() - this.outage.since,
        failedAttempts: this.outage.attempts,
      });
    } else if (!this.connectedOnce) {
      this.logger.info('SIEM Forwarder Connected', { receiver: this.receiver.url });
    }
    this.outage = undefined;
    this.connectedOnce = true;
  }

  /** One warning per outage, however many attempts it takes. */
  private noteOutage(error: Error, failedAttempt: boolean): void {
    if (!this.outage) {
      this.outage = { since: Date.now(), attempts: 0 };
      this.logger.warn('SIEM Forwarder Disconnected', { receiver: this.receiver.url, error: error.message });
    }
    if (failedAttempt) this.outage.attempts++;
  }

  private write(socket: net.Socket, payload: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      if (socket.destroyed || !socket.writable) {
        reject(new Error('the connection closed before the write'));
        return;
      }
      const onClose = () => reject(new Error('the receiver closed the connection during the write'));
      socket.once('close', onClose);
      socket.write(payload, (error) => {
        socket.off('close', onClose);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  private confirm(socket: net.Socket): Promise<void> {
    const { confirmMs } = this.options;
    return new Promise((resolve, reject) => {
      if (socket.destroyed) {
        reject(new Error('the receiver closed the connection right after the write'));
        return;
      }
      const onClose = () => {
        clearTimeout(timer);
        reject(new Error(`the receiver closed the connection within ${confirmMs} ms of the write`));
      };
      const timer = setTimeout(() => {
        socket.off('close', onClose);
        resolve();
      }, confirmMs);
      socket.once('close', onClose);
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.end();
    this.socket = undefined;
  }
}
