import { normaliseAction, OBJECT_TYPES } from '../../../../../libs/contracts/src/audit/vocabulary';

/** The table's columns, left to right; each has a filter input. */
export const COLUMNS = ['time', 'event', 'type', 'change', 'workspace', 'actor'] as const;
export type Column = (typeof COLUMNS)[number];
export type ColumnFilters = Partial<Record<Column, string>>;

/** What each column's filter means, for the label and hint next to its input. */
export const COLUMN_INFO: Record<Column, { label: string; hint: string; example: string }> = {
  time: {
    label: 'Time',
    hint: 'A day, >=2026-01-01, <2026-02-01, or 2026-01-01..2026-01-31 (UTC)',
    example: '2026-03-01..2026-03-31',
  },
  event: {
    label: 'Event',
    hint: 'An object type (Project, Landing Zone), an exact object name, or both (Project payments-prod)',
    example: 'Landing Zone',
  },
  type: {
    label: 'Type',
    hint: 'Pick one: add (created or granted), change (updated), remove (deleted or revoked), or a precise action',
    example: 'remove',
  },
  change: {
    label: 'Change',
    hint: 'Any part of the change description, in any letter case',
    example: 'jane@example.com',
  },
  workspace: {
    label: 'Workspace',
    hint: "The workspace's name (current or former, any letter case) or its id; suggestions as you type",
    example: 'Payments Team',
  },
  actor: { label: 'Actor', hint: 'Who did it: their id, name or e-mail', example: 'Anna Admin' },
};

/** One choice of the Type select: the value kept in the address, and its words. */
export interface TypeChoice {
  value: string;
  label: string;
}

/** The Type select's choices: any type, the product's words, then the precise actions. */
export const TYPE_CHOICES: { any: TypeChoice; words: TypeChoice[]; precise: TypeChoice[] } = {
  any: { value: '', label: 'Any type' },
  words: [
    { value: 'add', label: 'add (created or granted)' },
    { value: 'change', label: 'change (updated)' },
    { value: 'remove', label: 'remove (deleted or revoked)' },
  ],
  precise: [
    { value: 'created', label: 'created' },
    { value: 'updated', label: 'updated' },
    { value: 'deleted', label: 'deleted' },
    { value: 'runs_requested', label: 'runs requested' },
    { value: 'granted', label: 'granted' },
    { value: 'revoked', label: 'revoked' },
    { value: 'viewed', label: 'viewed' },
  ],
};

const PRODUCT_WORDS: Record<string, string> = {
  add: 'add',
  added: 'add',
  change: 'change',
  changed: 'change',
  remove: 'remove',
  removed: 'remove',
};

/**
 * The Type select's value for a Type filter as an address may hold it (`remove`, `Added`, `runs
 * requested`, `delete`): a choice of TYPE_CHOICES where one is meant, else the text itself
 * (an older bookmark's `login_error` or a typo), which the page offers as an extra choice and the
 * API judges.
 */
export function typeChoiceOf(text: string): string {
  const squashed = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (squashed === '') return '';
  const word = PRODUCT_WORDS[squashed];
  if (word) return word;
  const action = normaliseAction(squashed);
  return action && TYPE_CHOICES.precise.some((choice) => choice.value === action) ? action : text.trim();
}

const TYPE_BY_SQUASHED = new Map<string, string>(OBJECT_TYPES.map((type) => [type.toLowerCase(), type]));

/** "Landing Zone", "landingzone", "landing zones" → LandingZone; undefined when no object type is meant. */
export function objectTypeOf(text: string): string | undefined {
  const squashed = text.replace(/[\s_-]+/g, '').toLowerCase();
  if (squashed === '') return undefined;
  return (
    TYPE_BY_SQUASHED.get(squashed) ?? (squashed.endsWith('s') ? TYPE_BY_SQUASHED.get(squashed.slice(0, -1)) : undefined)
  );
}

/**
 * The Event column shows "<object type> <object name>", and its filter takes either or both:
 * "Landing Zone" means the object type, "payments-prod" an exact object name, and
 * "Project payments-prod" both (the longest leading run of words naming a type wins).
 */
export function eventColumnParams(text: string): { objectType?: string; objectName?: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  for (let take = words.length; take >= 1; take--) {
    const objectType = objectTypeOf(words.slice(0, take).join(' '));
    if (!objectType) continue;
    const name = words.slice(take).join(' ');
    return name ? { objectType, objectName: name } : { objectType };
  }
  return words.length > 0 ? { objectName: words.join(' ') } : {};
}

/**
 * People say "remove" both for deleting an object and for taking someone's access away, and
 * "add" for creating one and for granting access: those words cover both actions (as `q` terms,
 * where the same qualifier twice means either). Every other word goes to the API's `action`
 * parameter, which knows the canonical actions and their aliases ("change" → updated).
 */
const EITHER_ACTION: Record<string, readonly string[]> = {
  add: ['created', 'granted'],
  added: ['created', 'granted'],
  remove: ['deleted', 'revoked'],
  removed: ['deleted', 'revoked'],
};

/**
 * The query API's parameters for the column filters: Event → objectType/objectName, Type →
 * action (or, for add/remove, `q` action terms), Change → change (a substring), Workspace →
 * workspace, Actor → actor, Time → a `created:` term of `q`.
 */
export function apiParamsFor(filters: ColumnFilters): Record<string, string> {
  const params: Record<string, string> = {};
  const value = (column: Column) => filters[column]?.trim() ?? '';
  const terms: string[] = [];
  if (value('time')) terms.push(`created:${value('time').replace(/\s+/g, '')}`);
  const either = EITHER_ACTION[value('type').toLowerCase()];
  if (either) terms.push(...either.map((action) => `action:${action}`));
  else if (value('type')) params.action = value('type').replace(/\s+/g, '_'); // runs requested → runs_requested
  if (terms.length > 0) params.q = terms.join(' ');
  Object.assign(params, eventColumnParams(value('event')));
  if (value('change')) params.change = value('change');
  if (value('workspace')) params.workspace = value('workspace');
  if (value('actor')) params.actor = value('actor');
  return params;
}

/** `q` carries the time term (and action terms the page writes itself, which are always valid). */
const COLUMN_OF_PARAMETER: Record<string, Column> = {
  q: 'time',
  objectType: 'event',
  objectName: 'event',
  action: 'type',
  change: 'change',
  workspace: 'workspace',
  actor: 'actor',
};

/** The column whose filter produced the parameter an API error names (undefined: not a filter's). */
export function columnOfParameter(parameter: string | undefined): Column | undefined {
  return parameter === undefined ? undefined : COLUMN_OF_PARAMETER[parameter];
}

/** The filters kept in the page's address (so a filtered view can be bookmarked or shared). */
export function filtersFromSearch(search: URLSearchParams): ColumnFilters {
  const filters: ColumnFilters = {};
  for (const column of COLUMNS) {
    const value = search.get(column)?.trim();
    if (value) filters[column] = value;
  }
  return filters;
}

export function searchFromFilters(filters: ColumnFilters, extra: Record<string, string | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const column of COLUMNS) {
    const value = filters[column]?.trim();
    if (value) search.set(column, value);
  }
  for (const [key, value] of Object.entries(extra)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
