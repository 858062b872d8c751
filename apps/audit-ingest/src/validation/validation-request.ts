import type { AuditEventData, AuditParseResult, AuditValidationOptions, EventFailure } from '@meshtrail/contracts';
import { auditRow, type AuditRow } from '@meshtrail/audit-store/stored-audit-event';
import type { ConsumedRecord } from '@meshtrail/kafka';

/**
 * One batch for a validation thread. The values travel packed into one buffer that is transferred,
 * not copied: a record's value is a slice of the whole fetch response, and cloning it would copy
 * all of that response once per record.
 */
export interface ValidationRequest {
  values: ArrayBuffer;
  /** Each record's value length in bytes, in order; -1 for a record without a value. */
  lengths: number[];
  headers: Array<Record<string, string | undefined>>;
  now: number;
  maxFutureSkewMs: number;
  /** Epoch milliseconds of AuditValidationOptions.oldest; undefined for its default. */
  oldest: number | undefined;
}

export function packRequest(records: ConsumedRecord[], options: AuditValidationOptions): ValidationRequest {
  const lengths = records.map((record) => (record.value === null ? -1 : record.value.length));
  const values = new ArrayBuffer(lengths.reduce((sum, length) => sum + Math.max(0, length), 0));
  const target = new Uint8Array(values);
  let offset = 0;
  for (const record of records) {
    if (record.value === null) continue;
    target.set(record.value, offset);
    offset += record.value.length;
  }
  return {
    values,
    lengths,
    headers: records.map((record) => record.headers),
    now: options.now.getTime(),
    maxFutureSkewMs: options.maxFutureSkewMs,
    oldest: options.oldest?.getTime(),
  };
}

/** The records' values again, as the validation thread sees them. */
export function unpackValues(request: ValidationRequest): Array<Buffer | null> {
  const bytes = Buffer.from(request.values);
  let offset = 0;
  return request.lengths.map((length) => {
    if (length < 0) return null;
    const value = bytes.subarray(offset, offset + length);
    offset += length;
    return value;
  });
}

/** The options of a request again, as the validation thread passes them to parseAuditRecord. */
export function unpackOptions(request: ValidationRequest): AuditValidationOptions {
  return {
    now: new Date(request.now),
    maxFutureSkewMs: request.maxFutureSkewMs,
    oldest: request.oldest === undefined ? undefined : new Date(request.oldest),
  };
}

/**
 * A valid record as it travels back from the thread: not the event, but its audit_events row
 * (made there) and the little the ingest decides by here (object type and action, for the grants
 * rule and the metrics), so the main thread neither clones the event's objects nor parses them again.
 */
export interface ValidatedRecord extends AuditRow, Pick<AuditEventData, 'objectType' | 'action'> {
  ok: true;
}

export type ValidationResult = ValidatedRecord | EventFailure;

export function toValidationResult(result: AuditParseResult): ValidationResult {
  if (!result.ok) return result;
  const { objectType, action } = result.event.data;
  return { ok: true, objectType, action, ...auditRow(result) };
}
