import { normaliseAddress, parseForwardedHop, resolveClientAddress, TrustedProxies } from './client-address';

const proxies = new TrustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
const none = new TrustedProxies([]);

describe('resolveClientAddress', () => {
  it('takes the peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(resolveClientAddress('203.0.113.7', '1.2.3.4', none)).toBe('203.0.113.7');
  });

  it('takes the peer when the peer is not a trusted proxy', () => {
    expect(resolveClientAddress('203.0.113.7', '1.2.3.4', proxies)).toBe('203.0.113.7');
  });

  it('follows X-Forwarded-For from a trusted proxy to the first untrusted hop, from the right', () => {
    expect(resolveClientAddress('10.0.0.5', '198.51.100.9', proxies)).toBe('198.51.100.9');
    // the client forged "6.6.6.6"; the trusted proxy appended the real client after it
    expect(resolveClientAddress('10.0.0.5', '6.6.6.6, 198.51.100.9', proxies)).toBe('198.51.100.9');
    // two trusted proxies in a row
    expect(resolveClientAddress('10.0.0.5', '6.6.6.6, 198.51.100.9, 10.1.1.1', proxies)).toBe('198.51.100.9');
  });

  it('joins repeated X-Forwarded-For headers in order', () => {
    expect(resolveClientAddress('10.0.0.5', ['6.6.6.6', '198.51.100.9, 10.1.1.1'], proxies)).toBe('198.51.100.9');
  });

  it('stops at a malformed hop and keeps the proxy that passed it on', () => {
    expect(resolveClientAddress('10.0.0.5', 'nonsense', proxies)).toBe('10.0.0.5');
    expect(resolveClientAddress('10.0.0.5', '1.2.3.4, 10.9.9.9\n", 10.1.1.1', proxies)).toBe('10.1.1.1');
    expect(resolveClientAddress('10.0.0.5', '', proxies)).toBe('10.0.0.5');
    expect(resolveClientAddress('10.0.0.5', '198.51.100.9,', proxies)).toBe('10.0.0.5');
  });

  it('takes the leftmost hop when every hop is a trusted proxy', () => {
    expect(resolveClientAddress('10.0.0.5', '10.2.2.2, 10.1.1.1', proxies)).toBe('10.2.2.2');
  });

  it('understands IPv4-mapped IPv6 peers, IPv6 hops, ports and brackets', () => {
    expect(resolveClientAddress('::ffff:10.0.0.5', '198.51.100.9:5555', proxies)).toBe('198.51.100.9');
    expect(resolveClientAddress('::ffff:127.0.0.1', '[2001:db8::1]:443', proxies)).toBe('2001:db8::1');
    expect(resolveClientAddress('fd00::1', '2001:db8::2', proxies)).toBe('2001:db8::2');
    expect(resolveClientAddress('::ffff:203.0.113.7', undefined, proxies)).toBe('203.0.113.7');
  });

  it('prints - when the peer is unknown (the socket was already gone)', () => {
    expect(resolveClientAddress(undefined, '1.2.3.4', proxies)).toBe('-');
  });
});

describe('parseForwardedHop and normaliseAddress', () => {
  it('accepts addresses with and without ports, refuses everything else', () => {
    expect(parseForwardedHop(' 1.2.3.4 ')).toBe('1.2.3.4');
    expect(parseForwardedHop('1.2.3.4:80')).toBe('1.2.3.4');
    expect(parseForwardedHop('[::1]')).toBe('::1');
    expect(parseForwardedHop('::1')).toBe('::1');
    expect(parseForwardedHop('unknown')).toBeUndefined();
    expect(parseForwardedHop('1.2.3.4.5')).toBeUndefined();
    expect(parseForwardedHop('1.2.3.4 " [root]')).toBeUndefined();
  });

  it('unwraps IPv4-mapped IPv6 only', () => {
    expect(normaliseAddress('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(normaliseAddress('::FFFF:1.2.3.4')).toBe('1.2.3.4');
    expect(normaliseAddress('::ffff:abcd')).toBe('::ffff:abcd');
    expect(normaliseAddress('2001:db8::1')).toBe('2001:db8::1');
  });
});

describe('TrustedProxies', () => {
  it('refuses entries that are not addresses or ranges', () => {
    expect(() => new TrustedProxies(['10.0.0.0/33'])).toThrow('not an IP address or CIDR range: "10.0.0.0/33"');
  });
});
