// Checks that the PostgreSQL server in DATABASE_URL accepts connections, with a readable hint when not.
import net from 'node:net';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/meshtrail';

export function postgresReachable(url, timeoutMs = 2000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function requirePostgres(url) {
  if (await postgresReachable(url)) return;
  const { hostname, port } = new URL(url);
  throw new Error(
    `PostgreSQL is not reachable at ${hostname}:${port || 5432}. Start it (on Debian: ` +
      `pg_ctlcluster --skip-systemctl-redirect 15 main start) or point DATABASE_URL at a running server.`,
  );
}
