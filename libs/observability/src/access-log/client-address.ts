import { BlockList, isIP } from 'node:net';
import { parseAddressRange } from '@meshtrail/config';

/** The proxies whose X-Forwarded-For the service believes (load balancers, ingress controllers). */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** Entries are IP addresses or CIDR ranges; the configuration has validated them already. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const range = parseAddressRange(entry);
      if (!range) throw new Error(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
      this.list.addSubnet(range.address, range.prefix, range.family);
    }
    this.empty = entries.length === 0;
  }

  has(address: string): boolean {
    const version = isIP(address);
    return version !== 0 && this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/** `::ffff:10.1.2.3` (how Node reports IPv4 peers on a dual-stack socket) becomes `10.1.2.3`. */
export function normaliseAddress(address: string): string {
  if (address.length > 7 && address.slice(0, 7).toLowerCase() === '::ffff:' && isIP(address.slice(7)) === 4) {
    return address.slice(7);
  }
  return address;
}

/** One X-Forwarded-For hop as an address: ports and IPv6 brackets removed; undefined when malformed. */
export function parseForwardedHop(hop: string): string | undefined {
  let text = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1];
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  return isIP(text) === 0 ? undefined : normaliseAddress(text);
}

/**
 * The client's address. The peer is the client unless it is a trusted proxy; then
 * X-Forwarded-For is read from the right (the hop the trusted proxy added last), skipping further
 * trusted proxies, and the first untrusted hop is the client. A malformed hop ends the walk: the
 * proxy that passed it on is the last address anyone trustworthy vouched for. When every hop is
 * trusted, the leftmost one is the client.
 */
export function resolveClientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  if (!peer) return '-';
  let client = normaliseAddress(peer);
  if (trusted.empty || forwardedFor === undefined || !trusted.has(client)) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseForwardedHop(hops[i]);
    if (hop === undefined) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}
