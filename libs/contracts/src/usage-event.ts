/**
 * A product-usage event on usage.events.v1 (JSON). `page` is a route template, never a concrete
 * path: "/workspaces/:workspace/projects", not "/workspaces/acme/projects". Relayed only when the
 * installation enabled usage reporting, and only after the relay scrubbed it.
 */
export interface UsageEvent {
  /** What happened, e.g. "pageview", "Export Downloaded". */
  name: string;
  page: string;
  props?: Record<string, string | number | boolean>;
}

export type UsageEventParse = { ok: true; event: UsageEvent } | { ok: false; reason: string };

const NAME = /^[A-Za-z][A-Za-z0-9 _.:-]{0,63}$/;

/** Parses and validates one record value; the reason names what was wrong. */
export function parseUsageEvent(value: Buffer | string | null): UsageEventParse {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty record' };
  let data: unknown;
  try {
    data = JSON.parse(value.toString());
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { ok: false, reason: 'not a JSON object' };
  const { name, page, props } = data as Record<string, unknown>;
  if (typeof name !== 'string' || !NAME.test(name))
    return {
      ok: false,
      reason: 'name must be 1-64 letters, digits, spaces, "_", ".", ":" or "-", starting with a letter',
    };
  if (typeof page !== 'string' || !page.startsWith('/') || page.length > 256)
    return { ok: false, reason: 'page must be a route template starting with "/" (at most 256 characters)' };
  if (props !== undefined) {
    if (typeof props !== 'object' || props === null || Array.isArray(props))
      return { ok: false, reason: 'props must be an object' };
    for (const [key, prop] of Object.entries(props))
      if (!['string', 'number', 'boolean'].includes(typeof prop))
        return { ok: false, reason: `props.${key} must be a string, number or boolean` };
  }
  return { ok: true, event: { name, page, props: props as UsageEvent['props'] } };
}
