import { createHmac } from 'node:crypto';
import { anyValueToString, type KeyValue } from '@meshtrail/otlp';

export type ScrubMode = 'drop' | 'hmac';

export interface ScrubRules {
  /** Exact label names that may pass (case-sensitive: "HTTP.Route" is not "http.route"). */
  allow: ReadonlySet<string>;
  /** Deny-list entries, normalised to lower-case tokens joined by "_". */
  deny: readonly string[];
  mode: ScrubMode;
  /** Required in hmac mode. */
  hmacKey?: string;
  /** Longer values are not labels but payloads: removed. */
  maxValueLength: number;
}

export type RemovalReason = 'unknown' | 'denied' | 'suspicious_value';

export interface ScrubOutcome {
  attributes: KeyValue[];
  removed: Partial<Record<RemovalReason, number>>;
  hashed: number;
}

/** "workspaceId", "Workspace-ID", "x.workspace.id" → "workspace_id" / "x_workspace_id": tokens for deny matching. */
export function labelTokens(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 0)
    .join('_');
}

export function buildScrubRules(options: {
  allow: Iterable<string>;
  deny: Iterable<string>;
  mode: ScrubMode;
  hmacKey?: string;
  maxValueLength?: number;
}): ScrubRules {
  return {
    allow: new Set(options.allow),
    deny: [...options.deny].map(labelTokens).filter((entry) => entry.length > 0),
    mode: options.mode,
    hmacKey: options.hmacKey,
    maxValueLength: options.maxValueLength ?? 128,
  };
}

/** True when a deny entry appears as a whole token sequence in the name ("user" in "user.id", not in "username"). */
export function isDenied(name: string, rules: Pick<ScrubRules, 'deny'>): boolean {
  const tokens = `_${labelTokens(name)}_`;
  return rules.deny.some((entry) => tokens.includes(`_${entry}_`));
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** A value an allowed label should never carry: an e-mail address, control or bidi characters, a payload. */
export function isSuspiciousValue(value: string, maxLength: number): boolean {
  return value.length > maxLength || EMAIL.test(value) || CONTROL.test(value);
}

/** A stable pseudonym: equal inputs give equal outputs under one key, and the key never leaves. */
export function pseudonym(value: string, key: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * Applies the label policy to one attribute list. Deny-listed names are dropped or hashed (the
 * deny list wins over the allow list); names not on the allow list are removed; allowed names
 * whose value looks like customer data are removed too. Nested values are flattened to strings.
 */
export function scrubAttributes(attributes: readonly KeyValue[], rules: ScrubRules): ScrubOutcome {
  const out: KeyValue[] = [];
  const removed: Partial<Record<RemovalReason, number>> = {};
  const seen = new Set<string>();
  let hashed = 0;
  const remove = (reason: RemovalReason) => (removed[reason] = (removed[reason] ?? 0) + 1);
  for (const attribute of attributes) {
    const name = attribute.key;
    if (seen.has(name)) {
      remove('suspicious_value'); // a duplicate key is malformed input: keep the first only
      continue;
    }
    seen.add(name);
    if (isDenied(name, rules)) {
      if (rules.mode === 'hmac' && rules.hmacKey && /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/.test(name)) {
        out.push({ key: name, value: { stringValue: pseudonym(anyValueToString(attribute.value), rules.hmacKey) } });
        hashed++;
      } else remove('denied');
      continue;
    }
    if (!rules.allow.has(name)) {
      remove('unknown');
      continue;
    }
    const value = attribute.value;
    const nested =
      value?.arrayValue !== undefined || value?.kvlistValue !== undefined || value?.bytesValue !== undefined;
    const text = anyValueToString(value);
    if (nested || isSuspiciousValue(text, rules.maxValueLength)) {
      remove('suspicious_value');
      continue;
    }
    out.push(attribute);
  }
  return { attributes: out, removed, hashed };
}
