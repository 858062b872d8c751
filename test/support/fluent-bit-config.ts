import fs from 'node:fs';
import { parse } from 'yaml';

/**
 * Reads the shipped Fluent Bit configuration and applies its parsers, filters and Loki labels to
 * log lines the way Fluent Bit would, for the constructs it uses — and refuses any construct it
 * does not know, so the check cannot silently skip part of the configuration. No Fluent Bit
 * binary can be installed here; this is the stand-in, and the README says so.
 */

type Settings = Record<string, unknown>;
export type LogRecord = Record<string, unknown>;

export interface FluentBitConfig {
  parsers: Map<string, Settings>;
  filters: Settings[];
  outputs: Settings[];
  inputs: Settings[];
}

export function loadFluentBitConfig(file: string): FluentBitConfig {
  const document = parse(fs.readFileSync(file, 'utf8')) as {
    parsers?: Settings[];
    pipeline?: { inputs?: Settings[]; filters?: Settings[]; outputs?: Settings[] };
  };
  return {
    parsers: new Map((document.parsers ?? []).map((p) => [String(p.name), p])),
    inputs: document.pipeline?.inputs ?? [],
    filters: document.pipeline?.filters ?? [],
    outputs: document.pipeline?.outputs ?? [],
  };
}

const STRPTIME: Record<string, string> = {
  '%Y': '\\d{4}',
  '%m': '\\d{2}',
  '%d': '\\d{2}',
  '%H': '\\d{2}',
  '%M': '\\d{2}',
  '%S': '\\d{2}',
  '%L': '\\d+', // Fluent Bit's fractional seconds
  '%z': '(?:Z|[+-]\\d{2}:?\\d{2})',
};

/** A strptime format (the directives Fluent Bit's parsers use here) as a regular expression. */
export function strptimeToRegExp(format: string): RegExp {
  let source = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] === '%') {
      const directive = format.slice(i, i + 2);
      if (!STRPTIME[directive]) throw new Error(`strptime directive ${directive} is not supported by this check`);
      source += STRPTIME[directive];
      i++;
    } else source += format[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** `types: pid:integer status:integer` */
function applyTypes(record: LogRecord, types: unknown): void {
  if (types === undefined) return;
  for (const entry of String(types).split(/\s+/)) {
    const [key, type] = entry.split(':');
    if (type !== 'integer') throw new Error(`parser type ${type} is not supported by this check`);
    if (record[key] !== undefined) record[key] = Number.parseInt(String(record[key]), 10);
  }
}

/** One parser applied to one line: the fields it yields, or undefined when it does not match. */
export function applyParser(parser: Settings, line: string): LogRecord | undefined {
  let record: LogRecord | undefined;
  if (parser.format === 'json') {
    try {
      const value = JSON.parse(line) as unknown;
      record = value && typeof value === 'object' && !Array.isArray(value) ? (value as LogRecord) : undefined;
    } catch {
      return undefined;
    }
  } else if (parser.format === 'regex') {
    const groups = new RegExp(String(parser.regex)).exec(line)?.groups;
    record = groups ? { ...groups } : undefined;
  } else throw new Error(`parser format ${String(parser.format)} is not supported by this check`);
  if (!record) return undefined;
  applyTypes(record, parser.types);
  if (parser.time_key !== undefined) {
    const key = String(parser.time_key);
    const value = record[key];
    // Fluent Bit refuses to parse the time (and logs an error) when it does not fit time_format
    if (typeof value !== 'string' || !strptimeToRegExp(String(parser.time_format)).test(value)) {
      throw new Error(
        `${String(parser.name)}: time_key ${key}="${String(value)}" does not match ${String(parser.time_format)}`,
      );
    }
    if (!isOn(parser.time_keep)) delete record[key];
  }
  return record;
}

function isOn(value: unknown): boolean {
  return value === true || value === 'on' || value === 'true';
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** The filters in order, as Fluent Bit runs them on a record that the tail input and kubernetes filter produced. */
export function runFilters(config: FluentBitConfig, input: LogRecord): { record: LogRecord; parsedBy?: string } {
  let record: LogRecord = { ...input };
  let parsedBy: string | undefined;
  for (const filter of config.filters) {
    switch (filter.name) {
      case 'kubernetes':
        // metadata lookup against the API server: the caller supplies record.kubernetes
        if (!record.kubernetes) throw new Error('the kubernetes filter needs record.kubernetes from the caller');
        break;
      case 'parser': {
        const key = String(filter.key_name);
        const line = record[key];
        if (typeof line !== 'string') break;
        for (const name of asList(filter.parser)) {
          const parser = config.parsers.get(name);
          if (!parser) throw new Error(`the parser filter names an undefined parser ${name}`);
          const parsed = applyParser(parser, line);
          if (!parsed) continue;
          parsedBy = name;
          const kept = isOn(filter.reserve_data) ? { ...record } : {};
          if (!isOn(filter.preserve_key)) delete kept[key];
          record = { ...kept, ...parsed };
          break;
        }
        break;
      }
      case 'modify': {
        const condition = /^(Key_exists|Key_does_not_exist) (\S+)$/.exec(String(filter.condition ?? ''));
        if (!condition)
          throw new Error(`modify condition "${String(filter.condition)}" is not supported by this check`);
        const holds = condition[2] in record === (condition[1] === 'Key_exists');
        const add = /^(\S+) (.+)$/.exec(String(filter.add ?? ''));
        if (!add || Object.keys(filter).some((k) => !['name', 'match', 'condition', 'add'].includes(k))) {
          throw new Error(`modify rules other than one "add" are not supported by this check`);
        }
        if (holds && !(add[1] in record)) record[add[1]] = add[2];
        break;
      }
      default:
        throw new Error(`filter ${String(filter.name)} is not supported by this check`);
    }
  }
  return { record, parsedBy };
}

/** `$a['b']['c']` or `$key`: a record accessor, as the loki output's labels use them. */
function readAccessor(record: LogRecord, accessor: string): unknown {
  const match = /^\$([A-Za-z0-9_]+)((?:\['[^']+'\])*)$/.exec(accessor);
  if (!match) throw new Error(`record accessor ${accessor} is not supported by this check`);
  let value: unknown = record[match[1]];
  for (const [, key] of match[2].matchAll(/\['([^']+)'\]/g)) {
    value = value && typeof value === 'object' ? (value as LogRecord)[key] : undefined;
  }
  return value;
}

export interface LabelRule {
  name: string;
  /** A constant, or the record accessor the value comes from. */
  constant?: string;
  accessor?: string;
}

/** The loki output's `labels`: `job=meshtrail, service=$kubernetes['labels']['app'], $level`. */
export function labelRules(output: Settings): LabelRule[] {
  return String(output.labels)
    .split(',')
    .map((item) => item.trim())
    .map((item) => {
      const [name, value] = item.includes('=') ? item.split('=', 2) : [item.replace(/^\$/, ''), item];
      return value.startsWith('$') ? { name, accessor: value } : { name, constant: value };
    });
}

/** The labels a record gets; throws when a label's field is missing (the stream would lack it). */
export function lokiLabels(output: Settings, record: LogRecord): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const rule of labelRules(output)) {
    const value = rule.constant ?? readAccessor(record, rule.accessor!);
    if (value === undefined || value === null || typeof value === 'object') {
      throw new Error(`label ${rule.name} (${rule.accessor}) has no value in ${JSON.stringify(record)}`);
    }
    labels[rule.name] = String(value);
  }
  return labels;
}
