import fc from 'fast-check';
import { hostileString } from './storable-arbitraries';

/**
 * Arbitraries and the invariant of the HTTP property tests of the gateway's endpoints: hostile
 * query strings, JSON bodies and headers; every answer is a 2xx or a 4xx, and a 400 names what
 * was wrong.
 */

/** A query parameter's value: any text, bytes, and the values parsers trip on. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  hostileString,
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1',
    '1e3',
    '999999999999999999999',
    '2026-11-01T00:00:00Z',
    '2026-13-45T99:99Z',
    "' OR 1=1 --",
    '%00',
    'true',
    'null',
    '[]',
  ),
);

/** Up to `maxLength` name=value pairs, names drawn from `names` (repeats included). */
export function queryPairs(names: fc.Arbitrary<string>, maxLength = 4): fc.Arbitrary<Array<[string, string]>> {
  return fc.array(fc.tuple(names, queryValue), { maxLength });
}

/** JSON bodies: objects with the endpoint's field names and hostile values, and any JSON value at all. */
export function jsonBody(names: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const value = fc.oneof(
    queryValue,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(queryValue, { maxLength: 3 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  return fc.oneof({ weight: 3, arbitrary: fc.dictionary(names, value) }, { weight: 1, arbitrary: fc.jsonValue() });
}

/** Header values an HTTP client can send (Latin-1, no control characters: the parser refuses those itself). */
const headerValue = fc
  .oneof(fc.string({ unit: 'binary' }), hostileString, fc.constantFrom('*/*', 'text/csv', 'application/x-ndjson', '-'))
  .map((value) => value.replace(/[^\x20-\x7e\xa0-\xff]/g, '').trim());

/** Headers the gateway reads besides the credentials. */
export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom('accept', 'x-correlation-id', 'x-request-id', 'user-agent', 'x-forwarded-for', 'accept-language'),
  headerValue,
  { maxKeys: 3 },
);

/**
 * The invariant: a 2xx, or a 4xx; a 400 names the parameter (one of `named`: what was sent, the
 * path's parameters, or `body`). Never a 5xx.
 */
export function expectAnswered(
  response: { status: number; body: unknown },
  named: readonly string[],
  context: unknown,
): void {
  const { status, body } = response;
  const parameter = (body as { parameter?: unknown } | null)?.parameter;
  const answered =
    (status >= 200 && status < 300) ||
    (status >= 400 && status < 500 && (status !== 400 || (typeof parameter === 'string' && named.includes(parameter))));
  // the whole exchange in the failure, so a shrunk counterexample says what the gateway answered
  if (!answered)
    throw new Error(`not a 2xx or a 4xx naming the parameter: ${JSON.stringify({ context, status, body })}`);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A path segment as a client may send it: any text percent-encoded (lone surrogates cannot be
 * encoded, they become U+FFFD), or any bytes percent-encoded (NUL, invalid UTF-8).
 */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  fc
    .oneof(hostileString, fc.string(), queryValue)
    .map((text) => encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'))),
  fc
    .uint8Array({ maxLength: 12 })
    .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
);
