import { quoted, textProblem } from './storable-text';

/** What one JSON value may hold, so that PostgreSQL stores it and recursive code can walk it. */
export interface JsonLimits {
  /** Objects and arrays inside each other; the outermost one is level 1. */
  maxDepth: number;
  /** Characters (UTF-16 code units, as String#length counts them) of any one string value. */
  maxStringLength: number;
  /** Characters of any one object key. */
  maxKeyLength: number;
  maxArrayItems: number;
  maxObjectKeys: number;
  /** Values of every kind in the whole value, containers included. */
  maxValues: number;
}

export type JsonProblemKind = 'TOO_DEEP' | 'TOO_LARGE' | 'INVALID_TEXT' | 'NOT_JSON';

export interface JsonProblem {
  kind: JsonProblemKind;
  /** Where, as `data.changes[0].to`; empty for the value itself. */
  path: string;
  /** What was wrong, e.g. `contains a NUL character (\u0000)`. */
  message: string;
}

/** A container still to be looked into, and how it was reached (the path is made only for a problem). */
interface Frame {
  value: object;
  parent: Frame | undefined;
  key: string | number | undefined;
  depth: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function segment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return key.length <= 64 && IDENTIFIER.test(key) ? `.${key}` : `[${quoted(key)}]`;
}

function pathOf(parent: Frame | undefined, key: string | number | undefined): string {
  const parts: string[] = key === undefined ? [] : [segment(key)];
  for (let frame = parent; frame !== undefined && frame.key !== undefined; frame = frame.parent) {
    parts.push(segment(frame.key));
  }
  const path = parts.reverse().join('');
  return path.startsWith('.') ? path.slice(1) : path;
}

/** "a Date", "a Map", "an object of a class": what a value is, for a message. */
function kindOf(value: object): string {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'Object' ? 'an object of a class' : `a ${tag}`;
}

function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Walks a value as JSON.parse makes it, iteratively (an explicit stack, never recursion: a
 * 100,000-deep array must not overflow the stack that walks it), and reports the first thing
 * that PostgreSQL would refuse in jsonb or text, or that exceeds the limits: nesting, a string or
 * key too long or not storable text (NUL, lone surrogates), too many items, keys or values, or
 * something that is not JSON data (a bigint, a function, a Date, NaN). Undefined when all is well;
 * then JSON.stringify and canonicalJson handle the value within `maxDepth` levels of recursion.
 */
export function jsonProblem(root: unknown, limits: JsonLimits): JsonProblem | undefined {
  const stack: Frame[] = [];
  let values = 0;

  /** Checks one value; a container is pushed, to be looked into later. */
  const visit = (
    value: unknown,
    parent: Frame | undefined,
    key: string | number | undefined,
  ): JsonProblem | undefined => {
    if (++values > limits.maxValues) {
      return { kind: 'TOO_LARGE', path: '', message: `holds more than ${limits.maxValues} values` };
    }
    switch (typeof value) {
      case 'string': {
        if (value.length > limits.maxStringLength) {
          const message = `is a string of ${value.length} characters; at most ${limits.maxStringLength}`;
          return { kind: 'TOO_LARGE', path: pathOf(parent, key), message };
        }
        const text = textProblem(value);
        return text === undefined ? undefined : { kind: 'INVALID_TEXT', path: pathOf(parent, key), message: text };
      }
      case 'number':
        if (Number.isFinite(value)) return undefined;
        return { kind: 'NOT_JSON', path: pathOf(parent, key), message: `${value} is not a JSON number` };
      case 'boolean':
      case 'undefined': // left out by JSON.stringify (null in an array), as by canonicalJson
        return undefined;
      case 'object': {
        if (value === null) return undefined;
        if (!isPlainContainer(value)) {
          const message = `${kindOf(value)} is not JSON data (objects, arrays, strings, numbers, true, false, null)`;
          return { kind: 'NOT_JSON', path: pathOf(parent, key), message };
        }
        const depth = (parent?.depth ?? 0) + 1;
        if (depth > limits.maxDepth) {
          return {
            kind: 'TOO_DEEP',
            path: pathOf(parent, key),
            message: `is nested deeper than ${limits.maxDepth} levels`,
          };
        }
        stack.push({ value, parent, key, depth });
        return undefined;
      }
      default:
        return { kind: 'NOT_JSON', path: pathOf(parent, key), message: `a ${typeof value} is not JSON data` };
    }
  };

  let problem = visit(root, undefined, undefined);
  while (problem === undefined && stack.length > 0) {
    const frame = stack.pop()!;
    const container = frame.value;
    if (Array.isArray(container)) {
      if (container.length > limits.maxArrayItems) {
        const message = `is an array of ${container.length} items; at most ${limits.maxArrayItems}`;
        return { kind: 'TOO_LARGE', path: pathOf(frame.parent, frame.key), message };
      }
      for (let i = 0; i < container.length && problem === undefined; i++) problem = visit(container[i], frame, i);
      continue;
    }
    const record = container as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length > limits.maxObjectKeys) {
      const message = `is an object of ${keys.length} keys; at most ${limits.maxObjectKeys}`;
      return { kind: 'TOO_LARGE', path: pathOf(frame.parent, frame.key), message };
    }
    for (let i = 0; i < keys.length && problem === undefined; i++) {
      const key = keys[i];
      if (key.length > limits.maxKeyLength) {
        const message = `has a key of ${key.length} characters (${quoted(key, 32)}); at most ${limits.maxKeyLength}`;
        return { kind: 'TOO_LARGE', path: pathOf(frame.parent, frame.key), message };
      }
      const text = textProblem(key);
      if (text !== undefined) return { kind: 'INVALID_TEXT', path: pathOf(frame, key), message: `the key ${text}` };
      problem = visit(record[key], frame, key);
    }
  }
  return problem;
}
