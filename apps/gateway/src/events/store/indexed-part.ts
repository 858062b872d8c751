/**
 * Which part of a searched substring to give the trigram index.
 *
 * A `LIKE '%…%'` on a pg_trgm GIN index checks every row holding the rarest of the pattern's
 * trigrams against the posting lists of all the others, so its cost grows with every common
 * trigram in the pattern: 'landing zone lz-1234' pays for 'lan', 'zon', ' lz' and the rest, while
 * '-1234' alone finds nearly the same rows several times faster. So the index is asked for the
 * part of the substring whose trigrams are rarest in a sample of the rows being searched (one word
 * with its neighbouring characters, or the whole substring), and the whole substring is checked
 * on the rows it returns. Only speed depends on this estimate, never which rows match.
 *
 * When even the rarest part is held by many sampled lines (or has no trigram at all, like 'zz'),
 * the index would return most rows: the reader then scans the change lines instead
 * (see TRIGRAM_SHARE_LIMIT).
 */

/** A word as pg_trgm sees one: a run of letters and digits (KEEPONLYALNUM). */
const WORD = /[\p{L}\p{N}]+/gu;

/** The trigrams of a padded word, by code point as pg_trgm counts characters. */
function trigramsOfPadded(padded: string, into: Set<string>): void {
  const chars = Array.from(padded);
  for (let i = 0; i + 3 <= chars.length; i++) into.add(chars[i] + chars[i + 1] + chars[i + 2]);
}

/**
 * A (lower-cased) line as pg_trgm indexes it, in one string: every word padded with two blanks
 * before it and one after it. Each trigram pg_trgm indexes for the line is a substring of it; so
 * are three blanks and a character followed by two blanks, which no searched pattern holds.
 */
export function trigramText(line: string): string {
  const words = line.match(WORD);
  return words ? `  ${words.join('   ')} ` : '';
}

/**
 * The trigrams pg_trgm asks the index for on `LIKE '%text%'`: a word is padded only on a side
 * where a literal character bounds it, not where it meets the surrounding wildcards.
 */
export function substringTrigrams(text: string): string[] {
  const trigrams = new Set<string>();
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    const end = start + match[0].length;
    trigramsOfPadded(`${start > 0 ? '  ' : ''}${match[0]}${end < text.length ? ' ' : ''}`, trigrams);
  }
  return [...trigrams];
}

/**
 * A part with fewer trigrams is widened by a neighbouring word even where the sample saw it
 * nowhere: a sample of a thousand lines cannot tell 1 in 1,000 from 1 in 100,000, the trigrams of
 * a short word (a number, an abbreviation) are seldom that rare, and each row the index returns
 * in vain costs a heap page, while a few more trigrams cost little.
 */
const MIN_TRIGRAMS = 6;

interface Part {
  /** The words it spans (indexes into the text's words), with one character beside them on each side. */
  first: number;
  last: number;
  text: string;
  trigrams: number;
  /** Sampled lines holding all its trigrams. */
  lines: number;
}

/** The part to ask the trigram index for, and the share of sampled lines holding all its trigrams (1 when it has none). */
export interface IndexedPart {
  text: string;
  share: number;
}

/**
 * Above this share of sampled lines holding a part's trigrams, reading every change line of the
 * searched months from the workspace index is cheaper than the trigram index: each row the
 * trigram index returns costs a table page (about 6 µs cached, far more read from disk), each line
 * read from the workspace index about 0.5 µs (measured on a month of 417,000 events). Cached,
 * the two meet near 9 %; read from disk, where a table page costs far more, much lower.
 */
export const TRIGRAM_SHARE_LIMIT = 0.02;

/**
 * Characters a request's part selection may look at (parts built, sampled lines searched; the
 * README has what that costs): the choice runs synchronously on text the client picks
 * (up to 50 terms of 512 characters) against lines it may have written itself, so without a bound
 * it could hold the gateway for seconds. When the budget is spent the best part found so far is
 * taken (the whole text when none was measured yet): only speed depends on the choice.
 */
export const PART_SELECTION_BUDGET = 20_000_000;

/** What is left of a request's PART_SELECTION_BUDGET; shared by all its searched texts. */
export interface SelectionBudget {
  left: number;
}

class BudgetSpent extends Error {}

const rarer = (a: Part, b: Part) => a.lines < b.lines || (a.lines === b.lines && a.trigrams < b.trigrams);

/**
 * The part of `text` (lower-cased) to search the trigram index for, given a sample of the lines
 * searched (as trigramText gives them): the word fewest sampled lines could match by trigrams
 * (of equally rare ones, the one with fewest trigrams, the cheapest to look up), widened word by
 * word while that makes it rarer or while it is short. The whole text when no word has a trigram.
 */
export function chooseIndexedPart(
  text: string,
  sample: readonly string[],
  budget: SelectionBudget = { left: PART_SELECTION_BUDGET },
): IndexedPart {
  const words = [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const spend = (characters: number) => {
    budget.left -= characters;
    if (budget.left < 0) throw new BudgetSpent();
  };
  const holdsAll = (line: string, trigrams: readonly string[]) =>
    trigrams.every((t) => {
      spend(line.length);
      return line.includes(t);
    });
  const measure = (first: number, last: number): Part => {
    // one character either side (both code units of a character beyond the BMP) bounds the words
    const before = Array.from(text.slice(0, words[first].start)).pop() ?? '';
    const after = Array.from(text.slice(words[last].end))[0] ?? '';
    const part = before + text.slice(words[first].start, words[last].end) + after;
    spend(part.length);
    const trigrams = substringTrigrams(part);
    const lines = sample.filter((line) => holdsAll(line, trigrams)).length;
    return { first, last, text: part, trigrams: trigrams.length, lines };
  };
  let best: Part | undefined;
  try {
    for (let i = 0; i < words.length; i++) {
      const part = measure(i, i);
      if (part.trigrams > 0 && (!best || rarer(part, best))) best = part;
    }
    while (best && (best.first > 0 || best.last < words.length - 1)) {
      const wider = [
        ...(best.first > 0 ? [measure(best.first - 1, best.last)] : []),
        ...(best.last < words.length - 1 ? [measure(best.first, best.last + 1)] : []),
      ].reduce((a, b) => (rarer(b, a) ? b : a));
      if (best.trigrams >= MIN_TRIGRAMS && wider.lines >= best.lines) break;
      best = wider;
    }
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    budget.left = 0;
  }
  if (!best) return { text, share: 1 };
  return { text: best.text, share: sample.length ? best.lines / sample.length : 0 };
}
