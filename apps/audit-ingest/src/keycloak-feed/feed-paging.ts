/**
 * How the feed walks Keycloak's stored events without gaps. Keycloak filters events by time
 * (dateFrom and dateTo, inclusive, epoch milliseconds) and pages them by position (first, max);
 * positions shift whenever an event is committed inside the range, so the feed never pages by
 * position. It always asks from a time, oldest first (direction=asc), and moves on to the time of
 * the last event it got, reading that millisecond again. When a whole page falls in one
 * millisecond it reads just that millisecond, asking for more until it has all of it, and goes on
 * after it. Reading a time again is harmless: the feed knows the ids it has published.
 */

/** One Keycloak event as far as paging cares. */
export interface PagedEvent {
  id: string;
  time: number;
}

/** One request: events from `from` (inclusive), up to `to` (inclusive) when set, oldest first, at most `max`. */
export interface PageRequest {
  from: number;
  to?: number;
  max: number;
}

/** The first request of a poll: from the newest time seen, less the overlap read again. */
export function firstRequest(watermark: number, overlapMs: number, pageSize: number): PageRequest {
  return { from: Math.max(0, watermark - overlapMs), max: pageSize };
}

/** The request after `request` answered `page` (oldest first); undefined once the feed has caught up. */
export function nextRequest(request: PageRequest, page: PagedEvent[], pageSize: number): PageRequest | undefined {
  const full = page.length >= request.max;
  if (request.to !== undefined) {
    // one millisecond: all of it, then on after it
    return full ? { ...request, max: request.max * 2 } : { from: request.to + 1, max: pageSize };
  }
  if (!full) return undefined;
  const last = page[page.length - 1].time;
  return last === request.from ? { from: last, to: last, max: pageSize * 2 } : { from: last, max: pageSize };
}

/** A page is usable only oldest first and within the asked range; anything else could hide a gap. */
export function pageProblem(request: PageRequest, page: PagedEvent[]): string | undefined {
  for (let i = 0; i < page.length; i++) {
    const { time } = page[i];
    if (time < request.from || (request.to !== undefined && time > request.to)) {
      return `Keycloak answered an event at ${time} outside the asked range from ${request.from}${request.to === undefined ? '' : ` to ${request.to}`}`;
    }
    if (i > 0 && time < page[i - 1].time) {
      return 'Keycloak answered events out of time order: it needs to support direction=asc (Keycloak 26 or later)';
    }
  }
  return undefined;
}

/** The newest time seen: the position a restarted feed resumes from (less the overlap). */
export function advanceWatermark(watermark: number, page: PagedEvent[]): number {
  return page.reduce((newest, event) => Math.max(newest, event.time), watermark);
}
