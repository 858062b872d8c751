import fc from 'fast-check';
import { nested, propertySeed, someJson, unstorableJsonReasons } from '../../../../test/support/storable-arbitraries';
import { canonicalJson } from '../audit/canonical-json';
import { jsonProblem, type JsonLimits } from './storable-json';
import { quoted, textProblem } from './storable-text';

const limits: JsonLimits = {
  maxDepth: 32,
  maxStringLength: 100,
  maxKeyLength: 10,
  maxArrayItems: 5,
  maxObjectKeys: 4,
  maxValues: 1_000,
};

/** `depth` arrays inside each other, built without recursion. */
function deepArray(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('textProblem', () => {
  it('names NUL and lone surrogates, and lets every other character pass', () => {
    expect(textProblem('a\u0000b')).toBe('contains a NUL character (\\u0000)');
    expect(textProblem('x\ud800y')).toBe('is not well-formed Unicode (a lone surrogate such as \\ud800)');
    expect(textProblem('\udc00')).toMatch(/lone surrogate/);
    expect(textProblem('😀 é 語 \u0001 \u2028 \uffff')).toBeUndefined();
  });

  it('quotes text for messages as JSON, cut short', () => {
    expect(quoted('a\u0000\ud800')).toBe('"a\\u0000\\ud800"');
    expect(quoted('x'.repeat(100), 3)).toBe('"xxx"…');
  });
});

describe('jsonProblem', () => {
  it('accepts JSON data within the limits', () => {
    expect(jsonProblem({ a: [1, 'two', null, true, { b: undefined }], é: '😀' }, limits)).toBeUndefined();
    expect(jsonProblem('text', limits)).toBeUndefined();
    expect(jsonProblem(deepArray(32), limits)).toBeUndefined();
  });

  it('refuses a 100,000-deep array or object without recursing, naming where it got too deep', () => {
    expect(jsonProblem(deepArray(33), limits)).toEqual({
      kind: 'TOO_DEEP',
      path: '[0]'.repeat(32),
      message: 'is nested deeper than 32 levels',
    });
    expect(jsonProblem(deepArray(100_000), limits)?.kind).toBe('TOO_DEEP');
    let object: unknown = {};
    for (let i = 0; i < 100_000; i++) object = { a: object };
    expect(jsonProblem(object, limits)).toMatchObject({ kind: 'TOO_DEEP', path: 'a'.repeat(32).split('').join('.') });
    // what the walk protects: the recursive code after it would overflow
    expect(() => canonicalJson(deepArray(100_000))).toThrow(RangeError);
  });

  it('refuses NUL and lone surrogates in strings and in keys, naming the path', () => {
    expect(jsonProblem({ changes: [{ to: 'x\ud800y' }] }, limits)).toEqual({
      kind: 'INVALID_TEXT',
      path: 'changes[0].to',
      message: 'is not well-formed Unicode (a lone surrogate such as \\ud800)',
    });
    expect(jsonProblem({ to: { 'a\u0000b': 1 } }, limits)).toEqual({
      kind: 'INVALID_TEXT',
      path: 'to["a\\u0000b"]',
      message: 'the key contains a NUL character (\\u0000)',
    });
    expect(jsonProblem({ ['\udfff']: 1 }, limits)).toMatchObject({ kind: 'INVALID_TEXT', path: '["\\udfff"]' });
    expect(jsonProblem(['ok', 'nul\u0000'], limits)).toMatchObject({ kind: 'INVALID_TEXT', path: '[1]' });
  });

  it('refuses strings, keys, arrays, objects and totals above their limits', () => {
    expect(jsonProblem({ s: 'x'.repeat(101) }, limits)).toEqual({
      kind: 'TOO_LARGE',
      path: 's',
      message: 'is a string of 101 characters; at most 100',
    });
    expect(jsonProblem({ o: { ['k'.repeat(11)]: 1 } }, limits)).toMatchObject({
      kind: 'TOO_LARGE',
      path: 'o',
      message: 'has a key of 11 characters ("kkkkkkkkkkk"); at most 10',
    });
    expect(jsonProblem({ a: [1, 2, 3, 4, 5, 6] }, limits)).toMatchObject({
      kind: 'TOO_LARGE',
      path: 'a',
      message: 'is an array of 6 items; at most 5',
    });
    expect(jsonProblem({ a: 1, b: 2, c: 3, d: 4, e: 5 }, limits)).toMatchObject({
      kind: 'TOO_LARGE',
      path: '',
      message: 'is an object of 5 keys; at most 4',
    });
    // a huge sparse array is refused by its length, before anything looks at its items
    expect(jsonProblem(new Array(1e9), limits)?.kind).toBe('TOO_LARGE');
  });

  it('counts every value: shared branches cannot multiply into billions of visits', () => {
    let shared: object = { leaf: 1 };
    for (let i = 0; i < 30; i++) shared = { a: shared, b: shared, c: shared, d: shared };
    expect(jsonProblem(shared, limits)).toEqual({
      kind: 'TOO_LARGE',
      path: '',
      message: 'holds more than 1000 values',
    });
  });

  it('refuses what is not JSON data, and cycles, without throwing', () => {
    expect(jsonProblem({ n: 10n }, limits)).toMatchObject({
      kind: 'NOT_JSON',
      path: 'n',
      message: 'a bigint is not JSON data',
    });
    expect(jsonProblem({ f: () => 1 }, limits)).toMatchObject({
      kind: 'NOT_JSON',
      message: 'a function is not JSON data',
    });
    expect(jsonProblem([Symbol('s')], limits)).toMatchObject({ kind: 'NOT_JSON', path: '[0]' });
    expect(jsonProblem({ d: new Date(0) }, limits)?.message).toMatch(/^a Date is not JSON data/);
    expect(jsonProblem(new Map(), limits)?.message).toMatch(/^a Map is not JSON data/);
    expect(jsonProblem({ x: NaN }, limits)?.message).toBe('NaN is not a JSON number');
    expect(jsonProblem([Infinity], limits)?.kind).toBe('NOT_JSON');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonProblem(cycle, limits)?.kind).toBe('TOO_DEEP');
    expect(jsonProblem(Object.create(null) as object, limits)).toBeUndefined();
  });

  it('quotes keys that are not plain names', () => {
    expect(jsonProblem({ 'a b': { 'x-y': 'nul\u0000' } }, limits)?.path).toBe('["a b"]["x-y"]');
  });

  it('property: never throws, and what it accepts JSON.stringify and canonicalJson handle, storable text only', () => {
    const seed = propertySeed('jsonProblem');
    const wide = { ...limits, maxStringLength: 65_536, maxArrayItems: 100, maxObjectKeys: 100, maxKeyLength: 256 };
    const value = fc.oneof(
      someJson,
      fc.anything(),
      fc.integer({ min: 0, max: 200 }).map((d) => nested('x', d)),
    );
    fc.assert(
      fc.property(value, (candidate) => {
        const problem = jsonProblem(candidate, wide);
        if (problem !== undefined) return problem.message.isWellFormed() && problem.path.isWellFormed();
        JSON.stringify(candidate);
        canonicalJson(candidate);
        expect(unstorableJsonReasons(candidate, wide.maxDepth)).toEqual([]);
      }),
      { seed, verbose: true },
    );
  });
});
