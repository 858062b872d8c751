/**
 * The instant before which data of a policy of `months` is expired: `now` minus that many
 * calendar months in UTC, the day clamped to the end of a shorter month (31 March minus one
 * month is 28 or 29 February), as PostgreSQL's `now() - interval 'N months'` does.
 */
export function cutoffFor(now: Date, months: number): Date {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(now.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(year, month, day, now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()),
  );
}

/** The first instant of the UTC month `offset` months after the one `at` falls in. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}
