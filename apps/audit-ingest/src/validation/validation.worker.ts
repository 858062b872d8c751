/**
 * A validation thread: parses and validates batches of audit.events.v1 records with the same
 * parseAuditRecord (class-validator included) the contract defines, off the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { parseAuditRecord, type AuditParseResult } from '@meshtrail/contracts';
import { unpackOptions, unpackValues, type ValidationRequest } from './validation-request';
import type { WorkerReply } from './worker-pool';

parentPort?.on('message', (request: ValidationRequest) => {
  let reply: WorkerReply<AuditParseResult[]>;
  try {
    const options = unpackOptions(request);
    const values = unpackValues(request);
    reply = { id: request.id, result: values.map((value, i) => parseAuditRecord(value, request.headers[i], options)) };
  } catch (error) {
    reply = { id: request.id, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
