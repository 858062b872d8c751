import fc from 'fast-check';
import { propertySeed } from '../../../../test/support/storable-arbitraries';
import { canonicalHash, canonicalJson, canonicalJsonByHand } from './canonical-json';

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

describe('canonicalJson: the sorted copy written by JSON.stringify is the text written key by key', () => {
  const seed = propertySeed('canonicalJson');
  const key = fc.oneof(
    fc.string(),
    fc.constantFrom('__proto__', 'constructor', 'toString', 'toJSON', '10', '9', '0', '01', '1a', '4294967295', ''),
    fc.nat().map(String),
  );
  const value = fc.letrec((tie) => ({
    any: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
      fc.array(tie('any'), { maxLength: 5 }),
      fc.dictionary(key, tie('any'), { maxKeys: 6 }),
      fc.dictionary(key, tie('any'), { maxKeys: 4, noNullPrototype: false }),
    ),
  })).any;

  it('property: the same text for any value, JSON.parse-made (own __proto__ keys) or built', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          value,
          fc.jsonValue(),
          value.map((v) => JSON.parse(JSON.stringify(v ?? null)) as unknown),
        ),
        (v) => {
          expect(canonicalJson(v)).toBe(canonicalJsonByHand(v));
        },
      ),
      { seed, verbose: true, numRuns: 2_000 },
    );
  });

  it('writes integer keys, __proto__ and values JSON.stringify would write otherwise as the reference does', () => {
    const cases: unknown[] = [
      { b: 3, 10: 1, 9: 2 },
      JSON.parse('{"__proto__":{"x":1},"a":2}'),
      { when: new Date(0), f: () => 1, list: [undefined, () => 1, Symbol('s')] },
      { buffer: Buffer.from('ab') },
      Object.assign(Object.create(null) as object, { b: 1, a: [{ d: 1, c: 2 }] }),
    ];
    for (const v of cases) expect(canonicalJson(v)).toBe(canonicalJsonByHand(v));
    expect(canonicalJson({ b: 3, 10: 1, 9: 2 })).toBe('{"10":1,"9":2,"b":3}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });
});
