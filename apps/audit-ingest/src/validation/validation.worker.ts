/**
 * A validation thread's task (piscina runs the default export): parses and validates a batch of
 * audit.events.v1 records with the same parseAuditRecord (class-validator included) the contract
 * defines, and makes the valid ones' rows for the store, off the main thread.
 */
import { parseAuditRecord } from '@meshtrail/contracts';
import {
  toValidationResult,
  unpackOptions,
  unpackValues,
  type ValidationRequest,
  type ValidationResult,
} from './validation-request';

export default function validateBatch(request: ValidationRequest): ValidationResult[] {
  const options = unpackOptions(request);
  return unpackValues(request).map((value, i) =>
    toValidationResult(parseAuditRecord(value, request.headers[i], options)),
  );
}
