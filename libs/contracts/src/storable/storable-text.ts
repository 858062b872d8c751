declare global {
  interface String {
    /** ES2024 (Node 20 and later): false when the string holds a lone surrogate. */
    isWellFormed(): boolean;
  }
}

/**
 * UTF-8 bytes of text that one btree index entry may carry: PostgreSQL refuses an entry above
 * 2,704 bytes (a third of a page), and the entry's header, alignment and other columns take the
 * rest. Text that compresses well is stored compressed, but random text (or a hostile producer's)
 * does not compress, so the limit is for the text as it is.
 */
export const INDEXED_TEXT_MAX_BYTES = 2_600;

/**
 * Why PostgreSQL would refuse a string as text or inside jsonb, or undefined when it would not:
 * U+0000 (text cannot hold it, jsonb refuses `\u0000`), or a lone UTF-16 surrogate (no UTF-8 for
 * it: jsonb refuses the escape, a text parameter silently becomes U+FFFD). Two native scans.
 */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (!text.isWellFormed()) return 'is not well-formed Unicode (a lone surrogate such as \\ud800)';
  return undefined;
}

/**
 * A string as a message may quote it: JSON (lone surrogates and control characters escaped),
 * cut to `max` characters.
 */
export function quoted(text: string, max = 64): string {
  return text.length > max ? `${JSON.stringify(text.slice(0, max))}…` : JSON.stringify(text);
}
