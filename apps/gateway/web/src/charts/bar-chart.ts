import { h } from '../views/dom';
import { categoryTotals, labelledCategories, stackSegments, valueScale } from './chart-scale';

/** A stacked bar chart's data: one bar per category, one coloured segment per series. */
export interface BarChartData {
  /** What the chart answers, as its caption ("Events per day by type"). */
  title: string;
  /** The categories' heading in the table ("Day") and their labels, left to right. */
  categoryLabel: string;
  categories: string[];
  /** What the values count ("Events"), for the axis and the table's total column. */
  valueLabel: string;
  series: Array<{ name: string; values: number[] }>;
  /** Extra columns for the table only (an error rate beside the counts). */
  extraColumns?: Array<{ name: string; values: string[] }>;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 720;
const HEIGHT = 260;
// room on the right for half a day's label (YYYY-MM-DD) centred under the last bar
const MARGIN = { top: 12, right: 36, bottom: 40, left: 56 };
let charts = 0;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const formatCount = (value: number) => value.toLocaleString('en');

/** One sentence for screen readers: the total and where the largest bar is. */
export function chartSummary(data: BarChartData): string {
  const totals = categoryTotals(
    data.series.map((series) => series.values),
    data.categories.length,
  );
  const total = totals.reduce((sum, value) => sum + value, 0);
  if (total === 0) return `${data.title}: none in this range.`;
  const peak = totals.indexOf(Math.max(...totals));
  return `${data.title}: ${formatCount(total)} ${data.valueLabel.toLowerCase()} in all; the most, ${formatCount(
    totals[peak],
  )}, at ${data.categories[peak]}.`;
}

/**
 * A stacked bar chart as SVG, with a legend and the same data as a table (for screen readers and
 * for reading exact figures). Drawn with DOM calls and presentation attributes only: the page's
 * Content-Security-Policy allows no inline styles, which rules out chart libraries that set them.
 */
export function renderBarChart(data: BarChartData): HTMLElement {
  const id = `chart-${++charts}`;
  const count = data.categories.length;
  const values = data.series.map((series) => series.values);
  const totals = categoryTotals(values, count);
  const scale = valueScale(Math.max(0, ...totals));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (value: number) => MARGIN.top + plotHeight - (value / scale.max) * plotHeight;
  const band = count === 0 ? plotWidth : plotWidth / count;
  const barWidth = Math.max(1, band * 0.75);

  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-labelledby': `${id}-title`,
    'aria-describedby': `${id}-summary`,
    class: 'bar-chart',
  });
  for (const tick of scale.ticks) {
    chart.append(
      svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(tick), y2: y(tick), class: 'grid' }),
      svg('text', { x: MARGIN.left - 6, y: y(tick) + 4, 'text-anchor': 'end', class: 'tick' }, formatCount(tick)),
    );
  }
  for (const segment of stackSegments(values, count)) {
    const bar = svg('rect', {
      x: MARGIN.left + segment.category * band + (band - barWidth) / 2,
      y: y(segment.to),
      width: barWidth,
      height: Math.max(0.5, y(segment.from) - y(segment.to)),
      class: `series-${segment.series % 8}`,
    });
    bar.append(
      svg(
        'title',
        {},
        `${data.categories[segment.category]}: ${formatCount(segment.value)} ${data.series[segment.series].name}`,
      ),
    );
    chart.append(bar);
  }
  for (const index of labelledCategories(count, Math.floor(plotWidth / 70))) {
    chart.append(
      svg(
        'text',
        {
          x: MARGIN.left + index * band + band / 2,
          y: HEIGHT - MARGIN.bottom + 16,
          'text-anchor': 'middle',
          class: 'tick',
        },
        data.categories[index],
      ),
    );
  }
  chart.append(
    svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(0), y2: y(0), class: 'axis' }),
    svg(
      'text',
      {
        x: 14,
        y: MARGIN.top + plotHeight / 2,
        transform: `rotate(-90 14 ${MARGIN.top + plotHeight / 2})`,
        class: 'axis-label',
        'text-anchor': 'middle',
      },
      data.valueLabel,
    ),
  );

  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    ...data.series.map((series, index) =>
      h('li', {}, h('span', { class: `swatch series-${index % 8}`, 'aria-hidden': 'true' }), series.name),
    ),
  );
  return h(
    'figure',
    { class: 'chart', id },
    h('figcaption', { id: `${id}-title` }, data.title),
    h('p', { id: `${id}-summary`, class: 'visually-hidden' }, chartSummary(data)),
    chart as unknown as Node,
    legend,
    h('details', { class: 'chart-data' }, h('summary', {}, `${data.title} as a table`), chartTable(data, totals)),
  );
}

function chartTable(data: BarChartData, totals: number[]): HTMLTableElement {
  const extra = data.extraColumns ?? [];
  return h(
    'table',
    {},
    h('caption', {}, data.title),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, data.categoryLabel),
        ...data.series.map((series) => h('th', { scope: 'col', class: 'number' }, series.name)),
        h('th', { scope: 'col', class: 'number' }, `${data.valueLabel}, total`),
        ...extra.map((column) => h('th', { scope: 'col', class: 'number' }, column.name)),
      ),
    ),
    h(
      'tbody',
      {},
      ...data.categories.map((category, index) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, category),
          ...data.series.map((series) => h('td', { class: 'number' }, formatCount(series.values[index] ?? 0))),
          h('td', { class: 'number' }, formatCount(totals[index])),
          ...extra.map((column) => h('td', { class: 'number' }, column.values[index] ?? '')),
        ),
      ),
    ),
  );
}
