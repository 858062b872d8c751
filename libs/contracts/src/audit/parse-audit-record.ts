import type { ValidAuditEvent } from './audit-event';
import { MAX_AUDIT_EVENT_BYTES } from './audit-limits';
import { EVENT_FAILURES, failure, type EventFailure } from './failure';
import { validateAuditEvent, type AuditValidationOptions } from './validate-audit-event';

export { MAX_AUDIT_EVENT_BYTES } from './audit-limits';

/** Header names of the CloudEvents Kafka protocol binding, binary content mode. */
const CE_HEADER_PREFIX = 'ce_';

export type AuditParseResult = ValidAuditEvent | EventFailure;

function parseJson(bytes: Buffer): { ok: true; value: unknown } | EventFailure {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (error) {
    return failure(EVENT_FAILURES.NOT_JSON, `the value is not valid JSON: ${(error as Error).message}`);
  }
}

/** Binary mode: the attributes are ce_* headers, the value is the data itself. */
function fromBinaryMode(data: unknown, headers: Record<string, string | undefined>): Record<string, unknown> {
  const envelope: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith(CE_HEADER_PREFIX) && value !== undefined)
      envelope[lower.slice(CE_HEADER_PREFIX.length)] = value;
  }
  const contentType = headers['content-type'] ?? headers['Content-Type'];
  if (contentType !== undefined) envelope.datacontenttype = contentType;
  envelope.data = data;
  return envelope;
}

/**
 * Decodes and validates one Kafka record of audit.events.v1: structured JSON mode, or binary mode
 * when ce_specversion is among the headers. Pure; never throws: a bad record is a failure value
 * with a stable code and a message naming the field. JSON.parse itself does not recurse (a
 * 500,000-deep array parses); validateAuditEvent walks the result before anything that does.
 */
export function parseAuditRecord(
  value: Buffer | null,
  headers: Record<string, string | undefined>,
  options: AuditValidationOptions,
): AuditParseResult {
  if (value === null || value.length === 0) return failure(EVENT_FAILURES.NOT_JSON, 'the record has no value');
  if (value.length > MAX_AUDIT_EVENT_BYTES) {
    return failure(
      EVENT_FAILURES.TOO_LARGE,
      `the value is ${value.length} bytes; an audit event may be at most ${MAX_AUDIT_EVENT_BYTES} bytes (1 MiB)`,
    );
  }
  const json = parseJson(value);
  if (!json.ok) return json;
  const binary = headers[`${CE_HEADER_PREFIX}specversion`] !== undefined;
  return validateAuditEvent(binary ? fromBinaryMode(json.value, headers) : json.value, options);
}
