import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './poll';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * A private rsyslogd (Debian's rsyslog package): its own config file, pid file and output files in
 * a temporary directory, listening with imtcp on a free port of 127.0.0.1. The machine's own
 * rsyslog configuration is never read or touched. Each received message is written twice: as
 * received (`%rawmsg%`), and as rsyslog itself parsed it (RFC 5424 fields, as JSON).
 */
export class Rsyslog {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshtrail-rsyslog-'));
  private child?: ChildProcess;
  stderr = '';

  private constructor(readonly port: number) {
    fs.writeFileSync(
      path.join(this.dir, 'rsyslog.conf'),
      `global(workDirectory="${this.dir}" maxMessageSize="64k")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\\n")
template(name="parsed" type="list" option.jsonf="on") {
  property(outname="version" name="protocol-version" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}
ruleset(name="siem") {
  action(type="omfile" file="${path.join(this.dir, 'raw.log')}" template="raw")
  action(type="omfile" file="${path.join(this.dir, 'parsed.ndjson')}" template="parsed")
}
input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="siem")
`,
    );
  }

  static async start(): Promise<Rsyslog> {
    const rsyslog = new Rsyslog(await freePort());
    await rsyslog.start();
    return rsyslog;
  }

  async start(): Promise<void> {
    const child = spawn(
      'rsyslogd',
      ['-n', '-f', path.join(this.dir, 'rsyslog.conf'), '-i', path.join(this.dir, 'rsyslogd.pid')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child = child;
    await waitFor(`rsyslogd to listen on ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited with ${child.exitCode}: ${this.stderr}`);
      return answers(this.port);
    });
  }

  /** SIGTERM to our rsyslogd, and its exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Messages as received, one per line (our messages never contain a line break). */
  raw(): string[] {
    const file = path.join(this.dir, 'raw.log');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  /** Messages as rsyslog parsed them. */
  parsed(): Array<{ version: string; hostname: string; app: string; msgid: string; sd: string; msg: string }> {
    const file = path.join(this.dir, 'parsed.ndjson');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));
  }

  async remove(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
