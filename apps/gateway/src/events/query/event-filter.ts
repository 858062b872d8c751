import { invalidParameter } from '../../common/invalid-parameter';
import { normaliseAction, normaliseObjectType } from '@meshtrail/contracts';
import { parseQuery, QSyntaxError, type QTerm } from './q-parser';
import { intersectBounds, parseCreatedExpression, parseInstantRange, type TimeBounds } from './time-range';

export const FILTER_FIELDS = [
  'workspace',
  'objectType',
  'objectId',
  'objectName',
  'action',
  'actor',
  'source',
  'change',
  'kind',
] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** One condition: the field equals one of `values` (for `change`: contains one of them), or none of them when negated. */
export interface FieldCondition {
  field: FilterField;
  values: string[];
  negated: boolean;
}

/** Every condition must hold (AND); inside a condition, any value (OR). Time: from inclusive, to exclusive. */
export interface EventFilter extends TimeBounds {
  conditions: FieldCondition[];
}

/** The filter parameters of the REST API, as strings, before they mean anything. */
export type FilterParams = Partial<Record<FilterField | 'from' | 'to' | 'q', string>>;

/** The longest text the contract lets a producer send in a filtered field (objectName): each can be asked for whole. */
export const MAX_VALUE_LENGTH = 512;

/** The two kinds of events in the trail: audit events, and Keycloak's authentication and admin events. */
const EVENT_KINDS: Record<string, 'audit' | 'auth'> = { audit: 'audit', auth: 'auth', keycloak: 'auth' };

/** Checks and canonicalises one value of a field (action aliases, object type spelling); throws a 400 naming `parameter`. */
function canonicalValue(field: FilterField, raw: string, parameter: string, position?: number): string {
  const value = raw.trim();
  if (value === '') throw invalidParameter(parameter, 'must not be empty', position);
  if (value.length > MAX_VALUE_LENGTH) {
    throw invalidParameter(parameter, `must be at most ${MAX_VALUE_LENGTH} characters`, position);
  }
  if (field === 'action') {
    const action = normaliseAction(value);
    if (!action) throw invalidParameter(parameter, `unknown action "${value}"`, position);
    return action;
  }
  if (field === 'kind') {
    const kind = EVENT_KINDS[value.toLowerCase()];
    if (!kind) throw invalidParameter(parameter, `unknown kind "${value}" (audit or auth)`, position);
    return kind;
  }
  if (field === 'objectType') {
    const objectType = normaliseObjectType(value);
    if (!objectType) throw invalidParameter(parameter, `unknown object type "${value}"`, position);
    return objectType;
  }
  return value;
}

/** The conditions of a `q` expression: same-qualifier terms OR'd, text terms and negations each on their own. */
export function filterFromQuery(q: string): EventFilter {
  let terms: QTerm[];
  try {
    terms = parseQuery(q);
  } catch (error) {
    if (error instanceof QSyntaxError)
      throw invalidParameter('q', error.message.replace(/ \(at position \d+\)$/, ''), error.position);
    throw error;
  }
  const positive = new Map<FilterField, string[]>();
  const conditions: FieldCondition[] = [];
  let bounds: TimeBounds = {};
  for (const term of terms) {
    if (term.field === 'created') {
      if (term.negated) throw invalidParameter('q', 'created: cannot be negated; use < or >', term.position);
      const parsed = parseCreatedExpression(term.value);
      if (typeof parsed === 'string') throw invalidParameter('q', `created: ${parsed}`, term.valuePosition);
      bounds = intersectBounds(bounds, parsed);
      continue;
    }
    const field: FilterField = term.field === 'text' ? 'change' : term.field;
    const value = canonicalValue(field, term.value, 'q', term.valuePosition);
    if (term.negated || field === 'change') conditions.push({ field, values: [value], negated: term.negated });
    else positive.set(field, [...(positive.get(field) ?? []), value]);
  }
  for (const [field, values] of positive) conditions.push({ field, values: [...new Set(values)], negated: false });
  return { conditions, ...bounds };
}

/** The REST filter parameters and `q`, all of which must hold. */
export function filterFromParams(params: FilterParams): EventFilter {
  const conditions: FieldCondition[] = [];
  for (const field of FILTER_FIELDS) {
    const raw = params[field];
    if (raw !== undefined) conditions.push({ field, values: [canonicalValue(field, raw, field)], negated: false });
  }
  let bounds: TimeBounds = {};
  for (const parameter of ['from', 'to'] as const) {
    const raw = params[parameter];
    if (raw === undefined) continue;
    const instant = parseInstantRange(raw.trim());
    if (!instant) throw invalidParameter(parameter, `"${raw}" is not an ISO 8601 date or date-time`);
    bounds = intersectBounds(bounds, parameter === 'from' ? { from: instant.start } : { to: instant.start });
  }
  const filter: EventFilter = { conditions, ...bounds };
  if (params.q === undefined) return filter;
  const query = filterFromQuery(params.q);
  return { conditions: [...filter.conditions, ...query.conditions], ...intersectBounds(filter, query) };
}

/** A stable text form of a filter: cursors carry its hash so they cannot be replayed against other filters. */
export function canonicalFilter(filter: EventFilter): string {
  return JSON.stringify({
    c: filter.conditions
      .map((c) => [c.field, c.negated, [...c.values].sort()])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    f: filter.from?.toISOString() ?? null,
    t: filter.to?.toISOString() ?? null,
  });
}
