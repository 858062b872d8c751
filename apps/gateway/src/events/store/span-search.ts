import type { CursorPosition } from '../query/cursor';
import type { EventFilter } from '../query/event-filter';
import {
  lineScanSpanQuery,
  spanSearchQuery,
  testsWorkspaceIndexOnly,
  type IndexedParts,
  type ReadScope,
  type SqlQuery,
} from './event-sql';
import { chooseIndexedPart, PART_SELECTION_BUDGET, TRIGRAM_SHARE_LIMIT, trigramText } from './indexed-part';

/** One row of a text search's window sample (windowSampleQuery). */
export interface WindowSample {
  line: string;
  occurred_ms: number;
}

/** A text search over a span of months, newest first, up to `limit` rows. */
export type SpanSearch = (span: { start?: Date; end: Date }, limit: number) => SqlQuery;

/** The months before `end` a text search has yet to look through, and how it searches them. */
export interface EarlierMonths {
  search: SpanSearch;
  end: Date;
}

/**
 * For each searched substring of the filter, the part to give the trigram index, chosen on a
 * sample of lines; and the largest share of sampled lines one of those parts lets through.
 */
function indexedParts(filter: EventFilter, sample: readonly string[]): { parts: IndexedParts; share: number } {
  const parts = new Map<string, string>();
  let share = 0;
  // one budget for the whole request, however many texts it searches
  const budget = { left: PART_SELECTION_BUDGET };
  for (const condition of filter.conditions) {
    if (condition.field !== 'change' || condition.negated) continue;
    for (const value of condition.values) {
      const text = value.toLowerCase();
      const part = chooseIndexedPart(text, sample, budget);
      parts.set(text, part.text);
      share = Math.max(share, part.share);
    }
  }
  return { parts, share };
}

/**
 * How a text search the window could not answer searches spans of months: through the trigram
 * index, unless the sample shows that no part of the text narrows the rows enough for it to pay
 * and the filter can be tested on the workspace index alone, which is then read line by line.
 */
export function spanSearchFor(
  filter: EventFilter,
  scope: ReadScope,
  after: CursorPosition | undefined,
  sample: readonly WindowSample[],
): SpanSearch {
  const { parts, share } = indexedParts(
    filter,
    sample.map(({ line }) => trigramText(line)),
  );
  if (share > TRIGRAM_SHARE_LIMIT && testsWorkspaceIndexOnly(filter)) {
    return (span, limit) => lineScanSpanQuery(filter, scope, limit, after, span);
  }
  return (span, limit) => spanSearchQuery(filter, scope, limit, after, span, parts);
}
