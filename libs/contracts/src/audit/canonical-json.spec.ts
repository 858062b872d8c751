import { canonicalHash, canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops insignificant whitespace and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: 1.5 }, u: undefined })).toBe(
      '{"a":{"c":1.5,"d":[true,null,"x"]},"b":1}',
    );
  });

  it('hashes equal values equally and different values differently', () => {
    expect(canonicalHash({ a: 1, b: 2 })).toBe(canonicalHash({ b: 2, a: 1 }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
    // sha256 of the three bytes "x" (with quotes), as sha256sum computes it
    expect(canonicalHash('x')).toBe('ba2df4903a2c14e86dc3bcca58911b44ac1d2514b7227bf6eb08cfb978f55a1b');
  });
});
