/**
 * Masks the values of secret query parameters (`?token=abc` -> `?token=***`) so access logs
 * never hold credentials. A parameter is secret when a word of its name (split at `_`, `-`, `.`,
 * brackets and camelCase humps, after percent-decoding) is a secret word, or its name squashed to
 * lower-case letters and digits is a known compound (`apikey`, `accesstoken`, ...). Everything
 * else in the path is kept byte for byte.
 */
const SECRET_WORDS = new Set([
  'token',
  'tokens',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'secrets',
  'key',
  'keys',
  'code',
  'signature',
  'sig',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'session',
  'sid',
  'jwt',
  'otp',
  'pin',
  'assertion',
  'ticket',
  'cookie',
]);

const SECRET_COMPOUNDS = new Set([
  'apikey',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'sessionid',
  'clientsecret',
  'privatekey',
  'secretkey',
  'accesskey',
  'samlresponse',
]);

/** Cheap pre-check: only a query that could hold a secret name pays for the exact check. */
const MAYBE_SECRET =
  /token|pass|pwd|secret|key|code|sig|cred|auth|session|sid|jwt|otp|pin|assertion|ticket|cookie|saml|%/i;

export const MASK = '***';

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw; // malformed percent-encoding: judge the name as written
  }
}

/** Whether a query parameter name (already decoded) names a secret. */
export function isSecretParameter(name: string): boolean {
  const words = name
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    .map((word) => word.toLowerCase());
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return SECRET_COMPOUNDS.has(words.join(''));
}

/** The path with the values of secret query parameters replaced by `***`. */
export function maskSecretQueryValues(path: string): string {
  const start = path.indexOf('?');
  if (start < 0) return path;
  const query = path.slice(start + 1);
  if (!MAYBE_SECRET.test(query)) return path;
  const parts = query.split('&').map((part) => {
    const equals = part.indexOf('=');
    if (equals < 0) return part;
    const name = part.slice(0, equals);
    return isSecretParameter(decodeName(name)) ? `${name}=${MASK}` : part;
  });
  return `${path.slice(0, start + 1)}${parts.join('&')}`;
}
