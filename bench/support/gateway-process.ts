import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The port of the gateway's `Service Started` line, once it has been logged (fields in any order). */
function startedPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('Service Started')) continue;
    try {
      const record = JSON.parse(line) as { message?: string; port?: number };
      if (record.message === 'Service Started' && typeof record.port === 'number') return record.port;
    } catch {
      // a line still being written, or not JSON
    }
  }
  return undefined;
}

/** The compiled gateway as a process, for benchmarks that measure it the way clients see it. */
export class GatewayProcess {
  /** The gateway's last log lines, for explaining a failed request. */
  private recent: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.recent.push(...chunk.toString().split('\n').filter(Boolean));
      this.recent = this.recent.slice(-20);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  /** The gateway's process id, for reading its memory. */
  get pid(): number {
    return this.child.pid!;
  }

  recentLog(): string {
    return this.recent.join('\n');
  }

  static async start(root: string, env: Record<string, string>): Promise<GatewayProcess> {
    const child = spawn(process.execPath, [path.join(root, 'dist/apps/gateway/src/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        // the bench's clients all come from 127.0.0.1: the per-address limits would measure themselves
        API_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
        API_RATE_LIMIT_PER_ADDRESS_BURST: '10000000',
        // a start adds a ServiceSettings event to the trail the benches count
        SETTINGS_AUDIT_ENABLED: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 30_000);
      child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const port = startedPort(output);
        if (port !== undefined) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${port}`);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });
    // the instance keeps draining both pipes, so a chatty gateway never blocks on a full one
    return new GatewayProcess(child, url);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
