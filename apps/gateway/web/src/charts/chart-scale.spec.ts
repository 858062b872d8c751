import fc from 'fast-check';
import { categoryTotals, labelledCategories, stackSegments, valueScale } from './chart-scale';

describe('chart scales', () => {
  it('rounds the axis up to a round step', () => {
    expect(valueScale(0)).toEqual({ max: 1, ticks: [0, 1] });
    expect(valueScale(3)).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(valueScale(47)).toEqual({ max: 50, ticks: [0, 10, 20, 30, 40, 50] });
    expect(valueScale(0.37)).toEqual({ max: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4] });
    expect(valueScale(Number.NaN)).toEqual({ max: 1, ticks: [0, 1] });
  });

  it('always holds the largest value, with few ticks', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (largest) => {
        const scale = valueScale(largest);
        expect(scale.max).toBeGreaterThanOrEqual(largest);
        expect(scale.ticks[0]).toBe(0);
        expect(scale.ticks.at(-1)).toBeCloseTo(scale.max);
        expect(scale.ticks.length).toBeLessThanOrEqual(11);
      }),
    );
  });

  it('stacks segments in series order and skips empty ones', () => {
    const series = [
      [1, 0, 2],
      [3, 4, -1],
    ];
    expect(stackSegments(series, 3)).toEqual([
      { series: 0, category: 0, value: 1, from: 0, to: 1 },
      { series: 1, category: 0, value: 3, from: 1, to: 4 },
      { series: 1, category: 1, value: 4, from: 0, to: 4 },
      { series: 0, category: 2, value: 2, from: 0, to: 2 },
    ]);
    expect(categoryTotals(series, 3)).toEqual([4, 4, 2]);
  });

  it('labels the first and last category and evenly spaced ones between', () => {
    const sorted = (labels: Set<number>) => [...labels].sort((a, b) => a - b);
    // the 29th would crowd the last: the last takes its place
    expect(sorted(labelledCategories(30, 8))).toEqual([0, 4, 8, 12, 16, 20, 24, 29]);
    expect(sorted(labelledCategories(29, 8))).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
    expect(sorted(labelledCategories(3, 8))).toEqual([0, 1, 2]);
    expect(sorted(labelledCategories(1, 8))).toEqual([0]);
    expect(labelledCategories(0, 8).size).toBe(0);
  });

  it('never prints more labels than there is room for, nor two closer than the spacing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 2, max: 20 }), (categories, room) => {
        const labels = [...labelledCategories(categories, room)].sort((a, b) => a - b);
        const every = Math.ceil(categories / room);
        expect(labels[0]).toBe(0);
        expect(labels.at(-1)).toBe(categories - 1);
        expect(labels.length).toBeLessThanOrEqual(room + 1);
        for (let i = 1; i < labels.length; i++) expect(labels[i] - labels[i - 1]).toBeGreaterThanOrEqual(every);
      }),
    );
  });
});
