// What the local broker and the local Keycloak share: is a port open, is our process (by its pid
// file) still alive, and stopping it.
import fs from 'node:fs';
import net from 'node:net';

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function readPid(file) {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the process named by the pid file (SIGTERM, then SIGKILL after the timeout); false when none ran. */
export async function stopByPidFile(pidFile, { timeoutMs, log, name }) {
  const pid = readPid(pidFile);
  if (!pid || !alive(pid)) {
    fs.rmSync(pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) {
    log(`${name} pid ${pid} ignored SIGTERM for ${timeoutMs} ms; killing it`);
    process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(pidFile, { force: true });
  log(`stopped ${name} pid ${pid}`);
  return true;
}
