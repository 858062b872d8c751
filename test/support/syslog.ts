import net from 'node:net';
import tls from 'node:tls';

/** An RFC 5424 message taken apart, structured data unescaped. */
export interface ParsedSyslog {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: Record<string, Record<string, string>>;
  /** MSG without its BOM. */
  message: string;
  bom: boolean;
}

const HEADER = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) /;

/** Parses one RFC 5424 SYSLOG-MSG (independently of the code under test); throws on anything else. */
export function parseRfc5424(text: string): ParsedSyslog {
  const header = HEADER.exec(text);
  if (!header) throw new Error(`not an RFC 5424 header: ${JSON.stringify(text.slice(0, 80))}`);
  let i = header[0].length;
  const structuredData: ParsedSyslog['structuredData'] = {};
  if (text[i] === '-') i += 1;
  else {
    while (text[i] === '[') {
      const idEnd = text.slice(i).search(/[ \]]/) + i;
      const id = text.slice(i + 1, idEnd);
      const params: Record<string, string> = {};
      i = idEnd;
      while (text[i] === ' ') {
        const eq = text.indexOf('="', i);
        const name = text.slice(i + 1, eq);
        let value = '';
        let j = eq + 2;
        for (; text[j] !== '"'; j++) {
          if (j >= text.length) throw new Error('unterminated PARAM-VALUE');
          if (text[j] === '\\' && ['"', '\\', ']'].includes(text[j + 1])) j++;
          value += text[j];
        }
        params[name] = value;
        i = j + 1;
      }
      if (text[i] !== ']') throw new Error(`bad SD-ELEMENT near ${JSON.stringify(text.slice(i, i + 20))}`);
      structuredData[id] = params;
      i += 1;
    }
  }
  let message = text.slice(i + 1);
  const bom = message.startsWith('\ufeff');
  if (bom) message = message.slice(1);
  return {
    pri: Number(header[1]),
    version: Number(header[2]),
    timestamp: header[3],
    hostname: header[4],
    appName: header[5],
    procId: header[6],
    msgId: header[7],
    structuredData,
    message,
    bom,
  };
}

/** Splits an RFC 6587 octet-counted byte stream into messages; returns the messages and the unread rest. */
export function splitOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let offset = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(buffer.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) throw new Error('bad octet count');
    if (buffer.length < space + 1 + length) break;
    messages.push(buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
    offset = space + 1 + length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

/** A minimal syslog receiver (TCP or TLS) collecting octet-counted messages, for tests. */
export class TestSyslogReceiver {
  readonly messages: string[] = [];
  readonly sockets = new Set<net.Socket>();
  private server?: net.Server;
  port = 0;

  constructor(private readonly tlsOptions?: tls.TlsOptions) {}

  /** `unread`: accept connections but never read them (their bytes stay in the kernel's buffer). */
  async start(port = this.port, { unread = false } = {}): Promise<number> {
    const onConnection = (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      if (unread) return;
      let pending: Buffer = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        const { messages, rest } = splitOctetCounted(Buffer.concat([pending, chunk]));
        this.messages.push(...messages);
        pending = rest;
      });
    };
    this.server = this.tlsOptions
      ? tls.createServer(this.tlsOptions, onConnection)
      : net.createServer({ pauseOnConnect: unread }, onConnection);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Stops listening and resets every connection (unread bytes are lost, as when a receiver dies). */
  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      if (socket instanceof tls.TLSSocket) socket.destroy();
      else socket.resetAndDestroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
