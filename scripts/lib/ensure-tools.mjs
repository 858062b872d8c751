// The Debian packages the tests use as real peers (a Kafka client no one here wrote, a syslog
// receiver, a Prometheus, a browser) and the tools that render the deployment files. Installed with apt-get when missing and we may; otherwise
// the test command stops with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';

export const TEST_TOOLS = [
  { command: 'kcat', pkg: 'kcat', for: 'publishing audit events with a non-Node Kafka client' },
  {
    command: 'prometheus',
    pkg: 'prometheus',
    for: 'the operations center receiving remote-write in the telemetry e2e test',
  },
  { command: 'rsyslogd', pkg: 'rsyslog', for: 'receiving SIEM forwarding as a real syslog server' },
  { command: 'openssl', pkg: 'openssl', for: 'certificates for the TLS syslog test' },
  {
    command: 'chromium',
    pkg: 'chromium',
    for: 'the Event Logs page browser test (driven headless by playwright-core)',
  },
  { command: 'docker-compose', pkg: 'docker-compose', for: 'validating docker-compose.yml' },
  { command: 'kubectl', pkg: 'kubectl', for: 'rendering the Kubernetes manifests with kustomize' },
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export function ensureTools(tools = TEST_TOOLS) {
  const missing = tools.filter((tool) => !has(tool.command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => tool.pkg))];
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !has('apt-get')) {
    throw new Error(
      `the tests need ${missing.map((t) => `${t.command} (${t.for})`).join(', ')}; install them with: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  process.stderr.write(`[setup] installing ${packages.join(' ')} with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}
