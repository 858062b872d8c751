import { IsOptional } from 'class-validator';
import { EnvList } from './env-transforms';
import { IsAddressRangeList, parseAddressRange } from './address-range';
import { ConfigError, loadConfig } from './load-config';

describe('parseAddressRange', () => {
  it('reads addresses and CIDR ranges of both families', () => {
    expect(parseAddressRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseAddressRange(' 127.0.0.1 ')).toEqual({ address: '127.0.0.1', prefix: 32, family: 'ipv4' });
    expect(parseAddressRange('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseAddressRange('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
  });

  it('refuses names, bad prefixes and extra parts', () => {
    for (const entry of ['localhost', '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/-1', '1.2.3']) {
      expect({ entry, range: parseAddressRange(entry) }).toEqual({ entry, range: undefined });
    }
  });
});

class ProxyEnv {
  @IsOptional()
  @EnvList()
  @IsAddressRangeList()
  PROXIES: string[] = [];
}

describe('IsAddressRangeList', () => {
  it('names the variable when an entry is not an address or range', () => {
    expect(loadConfig('x', ProxyEnv, { PROXIES: '10.0.0.0/8, ::1' }).PROXIES).toEqual(['10.0.0.0/8', '::1']);
    expect(() => loadConfig('x', ProxyEnv, { PROXIES: '10.0.0.0/8, proxy.local' })).toThrow(ConfigError);
    expect(() => loadConfig('x', ProxyEnv, { PROXIES: 'proxy.local' })).toThrow(
      /PROXIES: each entry must be an IP address or a CIDR range/,
    );
  });
});
