/** A syslog receiver as configured: `tcp://host:port` or `tls://host:port` (IPv6 hosts in brackets). */
export interface SyslogReceiver {
  url: string;
  host: string;
  port: number;
  tls: boolean;
}

export const SYSLOG_RECEIVER_URL = /^(tcp|tls):\/\/(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]@]+):(\d{1,5})$/;

export function parseSyslogReceiver(url: string): SyslogReceiver | undefined {
  const match = SYSLOG_RECEIVER_URL.exec(url.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { url: url.trim(), host: match[2].replace(/^\[|\]$/g, ''), port, tls: match[1] === 'tls' };
}
