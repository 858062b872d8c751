import { isIP } from 'node:net';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** An IP address or CIDR range, as operators write trusted proxies (`10.0.0.0/8`, `::1`). */
export interface AddressRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses `address` or `address/prefix`; undefined when it is neither. */
export function parseAddressRange(entry: string): AddressRange | undefined {
  const [address, prefixText, ...rest] = entry.trim().split('/');
  if (rest.length > 0) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** class-validator rule for a list of IP addresses and CIDR ranges. */
export function IsAddressRangeList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAddressRangeList',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every((entry) => typeof entry === 'string' && parseAddressRange(entry) !== undefined),
        defaultMessage: () => 'each entry must be an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8',
      },
    },
    options,
  );
}
