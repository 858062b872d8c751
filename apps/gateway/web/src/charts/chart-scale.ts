/** A value axis from zero: its top and the values to mark, at round steps (1, 2 or 5 × 10ⁿ). */
export interface ValueScale {
  max: number;
  ticks: number[];
}

/** The smallest round axis holding `largest`, with at most `maxTicks` steps above zero. */
export function valueScale(largest: number, maxTicks = 5): ValueScale {
  if (!Number.isFinite(largest) || largest <= 0) return { max: 1, ticks: [0, 1] };
  const rough = largest / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough)!;
  // whole counts never get a step below 1
  const whole = Number.isInteger(largest) ? Math.max(1, step) : step;
  const max = Math.ceil(largest / whole) * whole;
  const ticks: number[] = [];
  for (let tick = 0; tick <= max + whole / 2; tick += whole) ticks.push(Number(tick.toPrecision(12)));
  return { max, ticks };
}

/** One bar segment: a series' value in one category, stacked on the series before it. */
export interface Segment {
  series: number;
  category: number;
  value: number;
  /** Where the segment starts and ends on the value axis. */
  from: number;
  to: number;
}

/** Stacks each category's values in series order; negative or missing values count as zero. */
export function stackSegments(series: ReadonlyArray<ReadonlyArray<number>>, categories: number): Segment[] {
  const segments: Segment[] = [];
  for (let category = 0; category < categories; category++) {
    let base = 0;
    series.forEach((values, index) => {
      const value = Math.max(0, values[category] ?? 0);
      if (value > 0) segments.push({ series: index, category, value, from: base, to: base + value });
      base += value;
    });
  }
  return segments;
}

/** Each category's stacked total. */
export function categoryTotals(series: ReadonlyArray<ReadonlyArray<number>>, categories: number): number[] {
  return Array.from({ length: categories }, (_, category) =>
    series.reduce((sum, values) => sum + Math.max(0, values[category] ?? 0), 0),
  );
}

/**
 * Which category labels to print so that at most `room` of them share the axis, evenly spaced:
 * always the first and the last (which replaces the label before it when that one stands closer
 * than the spacing, so that no two labels overlap).
 */
export function labelledCategories(categories: number, room: number): Set<number> {
  const every = Math.max(1, Math.ceil(categories / Math.max(1, room)));
  const shown = new Set<number>();
  for (let index = 0; index < categories; index += every) shown.add(index);
  const last = categories - 1;
  if (last > 0 && !shown.has(last)) {
    const before = last - (last % every);
    if (before > 0) shown.delete(before);
    shown.add(last);
  }
  return shown;
}
