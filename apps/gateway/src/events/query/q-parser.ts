/**
 * The compact query language of the `q` parameter, in the style of GitHub's and Retraced's
 * audit-log search:
 *
 *   action:deleted objectType:Project workspace:ws-1 actor:jane created:>=2026-01-01 "landing zone"
 *
 * Terms are separated by spaces. `qualifier:value` filters a field; a bare word or a "quoted
 * phrase" searches the change line; a leading `-` negates a term. Values with spaces are quoted;
 * inside quotes, `\"` and `\\` escape. This module only parses: it knows the qualifier names, not
 * what their values mean.
 */

export const QUALIFIERS = [
  'workspace',
  'objectType',
  'objectId',
  'objectName',
  'action',
  'actor',
  'change',
  'source',
  'kind',
  'created',
] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

/** Other spellings people type, mapped to the qualifier they mean (compared case-insensitively). */
const SYNONYMS: Record<string, Qualifier> = {
  type: 'objectType',
  object: 'objectId',
  name: 'objectName',
  user: 'actor',
  time: 'created',
  occurred: 'created',
  date: 'created',
};

export interface QTerm {
  /** `text` for a bare word or phrase (a change-line substring). */
  field: Qualifier | 'text';
  value: string;
  negated: boolean;
  /** 0-based offset of the term in `q`, for error messages. */
  position: number;
  /** Offset of the value itself. */
  valuePosition: number;
}

export class QSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at position ${position})`);
    this.name = 'QSyntaxError';
  }
}

const BY_LOWER_NAME = new Map<string, Qualifier>([
  ...QUALIFIERS.map((q): [string, Qualifier] => [q.toLowerCase(), q]),
  ...Object.entries(SYNONYMS),
]);

export const MAX_Q_LENGTH = 2000;
export const MAX_Q_TERMS = 50;

export function parseQuery(q: string): QTerm[] {
  if (q.length > MAX_Q_LENGTH) throw new QSyntaxError(`q is longer than ${MAX_Q_LENGTH} characters`, MAX_Q_LENGTH);
  const terms: QTerm[] = [];
  let i = 0;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < q.length) {
    if (isSpace(q[i])) {
      i++;
      continue;
    }
    const position = i;
    let negated = false;
    if (q[i] === '-') {
      negated = true;
      i++;
      if (i >= q.length || isSpace(q[i])) throw new QSyntaxError('"-" must be followed by a term', position);
    }
    const qualifier = /^([A-Za-z]+):/.exec(q.slice(i));
    if (qualifier) {
      const field = BY_LOWER_NAME.get(qualifier[1].toLowerCase());
      if (!field) {
        throw new QSyntaxError(`unknown qualifier "${qualifier[1]}" (known: ${QUALIFIERS.join(', ')})`, i);
      }
      i += qualifier[0].length;
      if (i >= q.length || isSpace(q[i])) throw new QSyntaxError(`${field}: needs a value`, i);
      const valuePosition = i;
      const [value, next] = readValue(q, i);
      if (value === '') throw new QSyntaxError(`${field}: needs a value`, valuePosition);
      terms.push({ field, value, negated, position, valuePosition });
      i = next;
    } else {
      const valuePosition = i;
      const [value, next] = readValue(q, i);
      if (value === '') throw new QSyntaxError('empty phrase', valuePosition);
      terms.push({ field: 'text', value, negated, position, valuePosition });
      i = next;
    }
    if (i < q.length && !isSpace(q[i])) throw new QSyntaxError('expected a space between terms', i);
    if (terms.length > MAX_Q_TERMS) throw new QSyntaxError(`more than ${MAX_Q_TERMS} terms`, position);
  }
  return terms;
}

/** A quoted string (with escapes) or a run of non-space characters; returns the value and the next offset. */
function readValue(q: string, start: number): [string, number] {
  if (q[start] !== '"') {
    let end = start;
    while (end < q.length && !/\s/.test(q[end])) {
      if (q[end] === '"') throw new QSyntaxError('a quote may only open a value', end);
      end++;
    }
    return [q.slice(start, end), end];
  }
  let value = '';
  for (let i = start + 1; i < q.length; i++) {
    const c = q[i];
    if (c === '\\') {
      const escaped = q[i + 1];
      if (escaped !== '"' && escaped !== '\\') throw new QSyntaxError('only \\" and \\\\ may be escaped', i);
      value += escaped;
      i++;
    } else if (c === '"') {
      return [value, i + 1];
    } else {
      value += c;
    }
  }
  throw new QSyntaxError('unterminated quote', start);
}
