import type { AuditParseResult, AuditValidationOptions, EventFailure, ValidAuditEvent } from '@meshtrail/contracts';
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
 * A validation result as it travels back from the thread: a valid event without its object, which
 * its canonical JSON holds (validation made that text for the hash anyway). Cloning the event's
 * objects and strings between threads costs more than parsing that text again on this side.
 */
export type PackedResult = Omit<ValidAuditEvent, 'event'> | EventFailure;

export function packResult(result: AuditParseResult): PackedResult {
  if (!result.ok) return result;
  return { ok: true, occurredAt: result.occurredAt, json: result.json, hash: result.hash };
}

/** A result again, with the event parsed from its canonical JSON: the same values, keys in sorted order. */
export function unpackResult(packed: PackedResult): AuditParseResult {
  if (!packed.ok) return packed;
  return { ...packed, event: JSON.parse(packed.json) as ValidAuditEvent['event'] };
}
