/**
 * A validation thread's task (piscina runs the default export): parses and validates a batch of
 * audit.events.v1 records with the same parseAuditRecord (class-validator included) the contract
 * defines, off the main thread.
 */
import { parseAuditRecord } from '@meshtrail/contracts';
import {
  packResult,
  unpackOptions,
  unpackValues,
  type PackedResult,
  type ValidationRequest,
} from './validation-request';

export default function validateBatch(request: ValidationRequest): PackedResult[] {
  const options = unpackOptions(request);
  return unpackValues(request).map((value, i) => packResult(parseAuditRecord(value, request.headers[i], options)));
}
