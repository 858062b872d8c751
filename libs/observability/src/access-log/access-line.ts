/**
 * The access line every meshtrail HTTP service writes for each request:
 *
 *   $remoteIP $HttpStatus "$method $fullPath" [$principal] $agent $accept ${duration}ms
 *
 * Safe by construction: whatever a client sends, one request is one line, and no field can
 * imitate a delimiter, so nobody can forge a line or shift a field.
 * - remote IP, method, path, agent and accept are tokens: every character outside printable
 *   ASCII (space included), `"` and `\` are backslash-escaped (`\x20`, `\"`, `\\`, `\n`, `\r`,
 *   `\t`, `\xHH` for other bytes up to 0xFF, `\uHHHH` beyond). Header values reach Node as
 *   Latin-1, so `\xHH` shows the exact bytes a client sent.
 * - the principal is Unicode text in brackets: `\`, `"`, `]`, control characters, Unicode line
 *   and paragraph separators, bidirectional overrides and lone surrogates are escaped; spaces and
 *   other printable characters stay as they are.
 * - a missing or empty principal, agent or accept prints `-`; a value that is literally `-`
 *   prints `\x2d`, so the two never look alike.
 * - the duration is a whole number of milliseconds (see roundDurationMs).
 */
export interface AccessLineFields {
  remoteIp: string;
  status: number;
  method: string;
  path: string;
  principal: string | null;
  userAgent: string | null;
  accept: string | null;
  durationMs: number;
}

const ABSENT = '-';

/** Characters a token may contain unescaped: printable ASCII except `"` and `\`. */
const TOKEN_NEEDS_ESCAPE = /[^\x21\x23-\x5b\x5d-\x7e]/;
/** Characters the bracketed principal may not contain unescaped (surrogates: checked one by one). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const TEXT_NEEDS_ESCAPE = /[\x00-\x1f"\\\]\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/;

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

function escapeControl(code: number): string {
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/** Escapes a remote IP, method, path, agent or accept value into a token (no spaces, no quotes). */
export function escapeToken(value: string): string {
  if (value === ABSENT) return '\\x2d';
  if (!TOKEN_NEEDS_ESCAPE.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x5c) out += '\\\\';
    else if (code === 0x22) out += '\\"';
    else if (code > 0x20 && code < 0x7f) out += value[i];
    else out += escapeControl(code);
  }
  return out;
}

function isLoneSurrogate(value: string, i: number): boolean {
  const code = value.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = value.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  if (code >= 0xdc00 && code <= 0xdfff) {
    const previous = i > 0 ? value.charCodeAt(i - 1) : 0;
    return !(previous >= 0xd800 && previous <= 0xdbff);
  }
  return false;
}

function isInvisibleOrBreaking(value: string, i: number, code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    isLoneSurrogate(value, i)
  );
}

function escapeUnicode(value: string, delimiters: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x5c) out += '\\\\';
    else if (delimiters && code === 0x22) out += '\\"';
    else if (delimiters && code === 0x5d) out += '\\]';
    else if (isInvisibleOrBreaking(value, i, code)) out += escapeControl(code);
    else out += value[i];
  }
  return out;
}

/** Escapes the principal's display name for the brackets (Unicode kept, delimiters and controls escaped). */
export function escapeText(value: string): string {
  if (value === ABSENT) return '\\x2d';
  return TEXT_NEEDS_ESCAPE.test(value) ? escapeUnicode(value, true) : value;
}

/**
 * Escapes only what could break or disguise a line: backslashes, control characters, Unicode line
 * separators, bidirectional overrides and lone surrogates (for values that other formats quote,
 * such as syslog structured data).
 */
export function escapeControls(value: string): string {
  return TEXT_NEEDS_ESCAPE.test(value) ? escapeUnicode(value, false) : value;
}

function optionalToken(value: string | null | undefined): string {
  return value ? escapeToken(value) : ABSENT;
}

/**
 * Milliseconds from a high-resolution duration in nanoseconds, rounded to the nearest whole
 * millisecond (half up): a request answered in under 0.5 ms shows `0ms`.
 */
export function roundDurationMs(nanoseconds: bigint): number {
  return Math.round(Number(nanoseconds) / 1e6);
}

/** The access line for one request, without a line break. */
export function formatAccessLine(fields: AccessLineFields): string {
  const principal = fields.principal ? escapeText(fields.principal) : ABSENT;
  return (
    `${optionalToken(fields.remoteIp)} ${fields.status} "${escapeToken(fields.method)} ${escapeToken(fields.path)}"` +
    ` [${principal}] ${optionalToken(fields.userAgent)} ${optionalToken(fields.accept)} ${fields.durationMs}ms`
  );
}

const ESCAPED = String.raw`(?:[^\s"\\]|\\.)+`;
const LINE = new RegExp(
  String.raw`^(${ESCAPED}) (\d{3}) "(${ESCAPED}) (${ESCAPED})" \[((?:[^\]\\]|\\.)*)\] (${ESCAPED}) (${ESCAPED}) (\d+)ms$`,
  's',
);

/** Reverses the escaping; undefined when the text holds an escape the formatter never writes. */
export function unescapeAccessField(value: string): string | undefined {
  if (!value.includes('\\')) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = value[++i];
    if (next === '\\' || next === '"' || next === ']') out += next;
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 't') out += '\t';
    else if (next === 'x' || next === 'u') {
      const digits = value.slice(i + 1, i + (next === 'x' ? 3 : 5));
      if (!/^[0-9a-f]+$/.test(digits) || digits.length !== (next === 'x' ? 2 : 4)) return undefined;
      out += String.fromCharCode(parseInt(digits, 16));
      i += digits.length;
    } else return undefined;
  }
  return out;
}

function optionalField(value: string): string | null | undefined {
  return value === ABSENT ? null : unescapeAccessField(value);
}

/**
 * Parses an access line back into its fields (for tests, tools and anyone reading the logs);
 * undefined when the line is not an access line.
 */
export function parseAccessLine(line: string): AccessLineFields | undefined {
  const match = LINE.exec(line);
  if (!match) return undefined;
  const [, remoteIp, status, method, path, principal, agent, accept, duration] = match;
  const fields = {
    remoteIp: unescapeAccessField(remoteIp),
    status: Number(status),
    method: unescapeAccessField(method),
    path: unescapeAccessField(path),
    principal: optionalField(principal),
    userAgent: optionalField(agent),
    accept: optionalField(accept),
    durationMs: Number(duration),
  };
  if (Object.values(fields).some((value) => value === undefined)) return undefined;
  return fields as AccessLineFields;
}
