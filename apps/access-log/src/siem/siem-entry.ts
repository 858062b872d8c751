import { decodeAccessLogRecords, type AccessLogRecord } from '@meshtrail/contracts';
import type { ConsumedRecord } from '@meshtrail/kafka';
import { escapeControls } from '@meshtrail/observability';

/** The streams a SIEM forwarder can carry, by their configuration name. */
export const SIEM_STREAMS = ['access-logs', 'audit-events'] as const;
export type SiemStream = (typeof SIEM_STREAMS)[number];

/** One record, ready for any sink: syslog parts and the NDJSON line. */
export interface SiemEntry {
  stream: SiemStream;
  timestamp: string;
  hostname: string;
  appName: string;
  msgId: string;
  severity: number;
  /** The structured-data element's name, before `@enterpriseNumber`. */
  sdName: string;
  /** Values already safe for one line (control characters escaped). */
  params: Array<[string, string]>;
  /** The syslog MSG: the access line, or the audit event as one line of JSON. */
  message: string;
  /** The NDJSON line (without its line break). */
  json: string;
}

export type SiemConversion = { ok: true; entry: SiemEntry } | { ok: false; reason: string };

/** What a Kafka record yields: entries to forward, and reasons for what could not be read. */
export interface SiemEntries {
  entries: SiemEntry[];
  rejected: string[];
}

export const SEVERITY = { warning: 4, notice: 5, informational: 6 } as const;

/** JSON on one line for any reader: JSON.stringify leaves U+2028 and U+2029 raw, some readers break lines there. */
export function oneLineJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

function accessSeverity(status: number): number {
  if (status >= 500) return SEVERITY.warning;
  if (status >= 400) return SEVERITY.notice;
  return SEVERITY.informational;
}

/** An access-log record: the access line as MSG, its fields as structured data. */
export function accessLogEntry(r: AccessLogRecord): SiemEntry {
  const params: Array<[string, string | null]> = [
    ['id', r.id],
    ['service', r.service],
    ['remoteIp', r.remoteIp],
    ['status', String(r.status)],
    ['method', r.method],
    ['path', r.path],
    ['principal', r.principal],
    ['userAgent', r.userAgent],
    ['accept', r.accept],
    ['durationMs', String(r.durationMs)],
  ];
  return {
    stream: 'access-logs',
    timestamp: r.time,
    hostname: r.host,
    appName: `meshtrail-${r.service}`,
    msgId: 'access',
    severity: accessSeverity(r.status),
    sdName: 'access',
    params: params.filter((p): p is [string, string] => p[1] !== null).map(([k, v]) => [k, escapeControls(v)]),
    message: r.line,
    json: oneLineJson(r),
  };
}

/** The access-log records of one access-logs.v1 value (one per line). */
export function accessLogEntries(record: ConsumedRecord): SiemEntries {
  const decoded = decodeAccessLogRecords(record.value);
  return { entries: decoded.records.map(accessLogEntry), rejected: decoded.rejected.map((r) => r.reason) };
}

interface CloudEvent {
  specversion?: unknown;
  id?: unknown;
  source?: unknown;
  type?: unknown;
  subject?: unknown;
  time?: unknown;
  [attribute: string]: unknown;
}

/** A CloudEvent in structured mode (JSON value) or binary mode (`ce_` headers, data as the value). */
function readCloudEvent(record: ConsumedRecord): CloudEvent | string {
  const text = record.value?.toString('utf8') ?? '';
  if (record.headers.ce_id !== undefined) {
    const event: CloudEvent = {};
    for (const [name, value] of Object.entries(record.headers)) {
      if (name.startsWith('ce_') && value !== undefined) event[name.slice(3)] = value;
    }
    if (record.headers['content-type']) event.datacontenttype = record.headers['content-type'];
    try {
      event.data = JSON.parse(text);
    } catch {
      event.data = text;
    }
    return event;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'AUDIT.NOT_AN_OBJECT';
    return value as CloudEvent;
  } catch (error) {
    return `AUDIT.NOT_JSON: ${(error as Error).message}`;
  }
}

/** An audit event: its CloudEvents attributes as structured data, the whole event as one JSON line. */
export function auditEventEntry(record: ConsumedRecord, hostname: string): SiemConversion {
  const event = readCloudEvent(record);
  if (typeof event === 'string') return { ok: false, reason: event };
  const { id, source, type, subject, time } = event;
  if (typeof id !== 'string' || typeof source !== 'string' || typeof type !== 'string') {
    return { ok: false, reason: 'AUDIT.NOT_A_CLOUDEVENT: id, source and type must be strings' };
  }
  const timestamp =
    typeof time === 'string' && !Number.isNaN(Date.parse(time))
      ? new Date(time).toISOString()
      : new Date(Number(record.timestamp)).toISOString();
  const params: Array<[string, string]> = [
    ['id', id],
    ['source', source],
    ['type', type],
  ];
  if (typeof subject === 'string') params.push(['subject', subject]);
  params.push(['time', timestamp]);
  let json: string;
  try {
    json = oneLineJson(event);
  } catch (error) {
    // JSON.stringify recurses: an event nested deeper than the stack allows (JSON.parse does
    // not recurse, so it reads one) is skipped with its reason instead of stopping the forwarder
    return { ok: false, reason: `AUDIT.NOT_SERIALIZABLE: ${(error as Error).message}` };
  }
  return {
    ok: true,
    entry: {
      stream: 'audit-events',
      timestamp,
      hostname,
      appName: 'meshtrail-audit',
      msgId: 'audit',
      severity: SEVERITY.notice,
      sdName: 'audit',
      params: params.map(([k, v]) => [k, escapeControls(v)]),
      message: json,
      json,
    },
  };
}

export function toSiemEntries(stream: SiemStream, record: ConsumedRecord, hostname: string): SiemEntries {
  if (stream === 'access-logs') return accessLogEntries(record);
  const audit = auditEventEntry(record, hostname);
  return audit.ok ? { entries: [audit.entry], rejected: [] } : { entries: [], rejected: [audit.reason] };
}
