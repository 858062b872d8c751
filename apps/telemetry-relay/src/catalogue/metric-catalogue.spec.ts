import fs from 'node:fs';
import path from 'node:path';
import { CATALOGUE_END, CATALOGUE_START, catalogueMarkdown } from './catalogue-markdown';
import { accountFor, buildCatalogue } from './metric-catalogue';
import { METRIC_DEFINITIONS, type InstrumentType } from './metric-definitions';

const ROOT = path.resolve(__dirname, '../../../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [full] : [];
  });
}

const INSTRUMENT_TYPES: Record<string, InstrumentType> = {
  Counter: 'counter',
  ObservableCounter: 'counter',
  UpDownCounter: 'updowncounter',
  ObservableUpDownCounter: 'updowncounter',
  Gauge: 'gauge',
  ObservableGauge: 'gauge',
  Histogram: 'histogram',
};

/** Every instrument the services' source creates (meter.createX('name', ...)), and the relay's own gauges. */
function instrumentsInSource(): {
  created: Array<{ name: string; type: InstrumentType; file: string }>;
  unnamed: string[];
} {
  const created: Array<{ name: string; type: InstrumentType; file: string }> = [];
  const unnamed: string[] = [];
  const creation =
    /\.create(Counter|ObservableCounter|UpDownCounter|ObservableUpDownCounter|Gauge|ObservableGauge|Histogram)\s*(?:<[^>]*>)?\(\s*([^,)]*)/g;
  const relayGauge = /\bgaugeMetric\(\s*([^,)]*)/g;
  for (const file of [...sourceFiles(path.join(ROOT, 'apps')), ...sourceFiles(path.join(ROOT, 'libs'))]) {
    const text = fs.readFileSync(file, 'utf8');
    const where = path.relative(ROOT, file);
    const literal = (argument: string) => /^\s*'([^']+)'\s*$/.exec(argument)?.[1];
    for (const [, kind, argument] of text.matchAll(creation)) {
      const name = literal(argument);
      if (name) created.push({ name, type: INSTRUMENT_TYPES[kind], file: where });
      else unnamed.push(`${where}: create${kind}(${argument.trim()})`);
    }
    for (const [, argument] of text.matchAll(relayGauge)) {
      if (/function gaugeMetric/.test(text) && argument.trim() === 'name: string') continue;
      const name = literal(argument);
      if (name) created.push({ name, type: 'gauge', file: where });
      else unnamed.push(`${where}: gaugeMetric(${argument.trim()})`);
    }
  }
  return { created, unnamed };
}

describe('the metric catalogue', () => {
  const { created, unnamed } = instrumentsInSource();

  it('finds the instruments the source creates (the scan works)', () => {
    const names = created.map((instrument) => instrument.name);
    expect(names).toEqual(
      expect.arrayContaining(['meshtrail.retention.runs', 'meshtrail.dead_letters', 'meshtrail.problems']),
    );
  });

  it('names every instrument with a literal, so none can slip past this test', () => {
    expect(unnamed).toEqual([]);
  });

  it('defines every instrument the source creates, with the same type', () => {
    const defined = new Map(METRIC_DEFINITIONS.map((definition) => [definition.name, definition.type]));
    const missing = created
      .filter((instrument) => defined.get(instrument.name) !== instrument.type)
      .map(
        (instrument) =>
          `${instrument.file}: ${instrument.name} (${instrument.type}), defined as ${defined.get(instrument.name) ?? 'nothing'}`,
      );
    expect(missing).toEqual([]);
  });

  it('puts every defined metric in a category or gives the reason it stays home, never both', () => {
    const unaccounted = METRIC_DEFINITIONS.filter((definition) => !accountFor(definition.name)).map((d) => d.name);
    expect(unaccounted).toEqual([]);
    const catalogue = buildCatalogue();
    expect(catalogue.leaving.length + catalogue.stayingHome.length).toBe(METRIC_DEFINITIONS.length);
    expect(new Set(METRIC_DEFINITIONS.map((definition) => definition.name)).size).toBe(METRIC_DEFINITIONS.length);
  });

  it('lets only allow-listed, undenied labels leave; health, heartbeat and problems are as the policy says', () => {
    const catalogue = buildCatalogue();
    const byName = new Map(catalogue.leaving.map((metric) => [metric.name, metric]));
    expect(byName.get('db.client.connection.count')).toMatchObject({
      category: 'service',
      transmission: 'opt-out',
      labels: ['db.client.connection.state'],
      removedLabels: ['db.client.connection.pool.name'],
    });
    expect(byName.get('meshtrail.health.status')).toMatchObject({ category: 'health', transmission: 'mandatory' });
    expect(byName.get('meshtrail.problems')).toMatchObject({
      category: 'problems',
      transmission: 'opt-out',
      labels: ['service', 'component', 'type', 'severity', 'description'],
    });
    expect(catalogue.stayingHome.map((metric) => metric.name)).toEqual(
      expect.arrayContaining(['meshtrail.auth.failures', 'http.client.request.duration']),
    );
  });

  it('changes its version when anything in it changes', () => {
    const changed = buildCatalogue(
      METRIC_DEFINITIONS.filter((definition) => definition.name !== 'meshtrail.heartbeat'),
    );
    expect(changed.version).not.toBe(buildCatalogue().version);
    expect(buildCatalogue().version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('is in the README as generated (run `npm run catalogue` after changing it)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(CATALOGUE_START);
    const end = readme.indexOf(CATALOGUE_END);
    expect(start).toBeGreaterThanOrEqual(0);
    // prettier aligns the tables: compare cell by cell
    const normalise = (text: string) =>
      text
        .split('\n')
        .map((line) => line.replace(/\s+/g, ' ').replace(/-{3,}/g, '---').trim())
        .filter((line) => line.length > 0);
    expect(normalise(readme.slice(start, end + CATALOGUE_END.length))).toEqual(
      normalise(catalogueMarkdown(buildCatalogue())),
    );
  });
});
