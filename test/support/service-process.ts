import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SERVICE_NAMES, serviceDatabaseUrl, type ServiceName as DatabaseServiceName } from '@meshtrail/database';
import { waitFor } from './poll';

const ROOT = path.resolve(__dirname, '../..');

export type ServiceName = 'gateway' | 'audit-ingest' | 'access-log' | 'telemetry-relay' | 'retention' | 'admin-cli';

export interface LogLine {
  level: string;
  logger: string;
  message: string;
  [field: string]: unknown;
}

/**
 * A service logs in as its own role, as deployed (the admin CLI, the operator's tool, keeps the
 * owner's URL it is given): the URL's user becomes the service's role.
 */
function asServiceRole(name: ServiceName, databaseUrl: string | undefined): { DATABASE_URL?: string } {
  if (!databaseUrl || !(SERVICE_NAMES as readonly string[]).includes(name)) return {};
  return { DATABASE_URL: serviceDatabaseUrl(databaseUrl, name as DatabaseServiceName) };
}

/** A compiled service running as a real process, with its JSON log lines collected. */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly rawStdout: string[] = [];
  stderr = '';
  port?: number;
  private exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: ServiceName,
    readonly child: ChildProcess,
  ) {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        this.rawStdout.push(line);
        try {
          const parsed = JSON.parse(line) as LogLine;
          this.logs.push(parsed);
          if (parsed.message === 'Service Started') this.port = parsed.port as number;
        } catch {
          // not a JSON line (text format, or access-log lines): kept in rawStdout
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Spawns dist/apps/<name>/src/main.js with the given environment (PORT=0: any free port). */
  static spawn(name: ServiceName, env: Record<string, string>, args: string[] = []): ServiceProcess {
    const child = spawn(process.execPath, [path.join(ROOT, `dist/apps/${name}/src/main.js`), ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        ...env,
        ...asServiceRole(name, env.DATABASE_URL),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, child);
  }

  /** Spawns and waits until the service logs "Service Started". */
  static async start(name: ServiceName, env: Record<string, string>, timeoutMs = 30_000): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn(name, env);
    await service.waitForLog('Service Started', undefined, timeoutMs).catch(async (error: Error) => {
      await service.kill();
      throw new Error(
        `${name} did not start: ${error.message}\nstdout:\n${service.rawStdout.join('\n')}\nstderr:\n${service.stderr}`,
      );
    });
    return service;
  }

  get url(): string {
    if (!this.port) throw new Error(`${this.name} has not reported its port`);
    return `http://127.0.0.1:${this.port}`;
  }

  async waitForLog(message: string, match?: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    return waitFor(
      `${this.name} to log "${message}"`,
      () => {
        if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}`);
        return this.logs.find((line) => line.message === message && (!match || match(line)));
      },
      { timeoutMs },
    );
  }

  /** Resolves with the exit code and signal once the process has ended. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exit!;
  }

  /** SIGTERM, and the exit it leads to. */
  async stop(timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited();
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL: a crash, with no chance to commit or close. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited();
  }
}
