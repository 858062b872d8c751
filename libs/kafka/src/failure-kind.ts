/**
 * Whose fault a failed batch is, which decides what the consumer does about it:
 * - `transient`: the infrastructure (database or broker unreachable, timeouts, serialization
 *   conflicts, exhausted resources). Nothing is wrong with the records: pause the partition and
 *   retry with backoff, dead-letter nothing.
 * - `systemic`: the deployment (a missing table or column, a missing privilege, bad credentials).
 *   Every record would fail alike: pause, retry and report DOWN, dead-letter nothing.
 * - `record`: anything else. The batch is split until the failing record is isolated, and that
 *   record alone is dead-lettered with the error.
 */
export type FailureKind = 'transient' | 'systemic' | 'record';

/** Thrown by a handler for "not the records' fault, try again later" (a receiver that is down). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

// PostgreSQL SQLSTATE classes and codes (Appendix A of its manual).
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53', '58']; // connection, insufficient resources, system error
// 25006: a read-only transaction, met on a standby during a failover
const TRANSIENT_SQLSTATES = new Set([
  '25006',
  '40001',
  '40P01',
  '55P03',
  '55006',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '57P05',
]);
const SYSTEMIC_SQLSTATES = new Set(['57P04']); // the database was dropped
const SYSTEMIC_SQLSTATE_CLASSES = ['28', '3D', '3F', '42']; // authorization, catalog, schema, syntax or access rule
const SQLSTATE = /^[0-9A-Z]{5}$/;

// Node's socket errors, and what pg and pg-pool say when a connection is lost or cannot be had.
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const TRANSIENT_MESSAGES =
  /connection terminated|connection error|timeout exceeded when trying to connect|client has encountered a connection error|cannot use a pool after calling end|the database system is (starting up|shutting down)|connection (is )?closed/i;

// kafkajs protocol errors that no record causes: the cluster's configuration or permissions.
const SYSTEMIC_KAFKA_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'SASL_AUTHENTICATION_FAILED',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
]);

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  severity?: unknown;
  type?: unknown;
  retriable?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  driverError?: unknown;
  errors?: unknown;
}

/** The error and what it wraps (kafkajs' cause and originalError, TypeORM's driverError, AggregateError). */
function chain(error: unknown, depth = 0): ErrorFields[] {
  if (depth > 5 || typeof error !== 'object' || error === null) return [];
  const fields = error as ErrorFields;
  const nested = [
    fields.cause,
    fields.originalError,
    fields.driverError,
    ...(Array.isArray(fields.errors) ? fields.errors : []),
  ];
  return [fields, ...nested.flatMap((inner) => chain(inner, depth + 1))];
}

function kindOfOne(error: ErrorFields): FailureKind | undefined {
  if (error.name === 'TransientError') return 'transient';
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && TRANSIENT_ERRNO.has(code)) return 'transient';
  // a SQLSTATE only on the server's errors (they carry a severity): 'EPIPE' has five letters too
  if (code && typeof error.severity === 'string' && SQLSTATE.test(code)) {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return 'transient';
    if (SYSTEMIC_SQLSTATES.has(code) || SYSTEMIC_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return 'systemic';
    return 'record';
  }
  if (typeof error.type === 'string' && SYSTEMIC_KAFKA_TYPES.has(error.type)) return 'systemic';
  const name = typeof error.name === 'string' ? error.name : '';
  if (name.startsWith('KafkaJS')) {
    if (error.retriable === true) return 'transient';
    if (/Connection|Timeout|NumberOfRetriesExceeded|BrokerNotFound|NoBrokerAvailable|NotImplemented/.test(name)) {
      return 'transient';
    }
  }
  if (typeof error.message === 'string' && TRANSIENT_MESSAGES.test(error.message)) return 'transient';
  return undefined;
}

/**
 * Classifies a failure by walking the error and what it wraps: the first link that says
 * transient or systemic decides; an error nobody recognises belongs to the record.
 */
export function classifyFailure(error: unknown): FailureKind {
  for (const link of chain(error)) {
    const kind = kindOfOne(link);
    if (kind === 'transient' || kind === 'systemic') return kind;
  }
  return 'record';
}

/**
 * The message and, for a database error, its SQLSTATE; with `detail` also the database's detail,
 * which may quote the record's values: for dead letters, never for logs or health.
 */
export function describeFailure(error: unknown, options: { detail?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  const { code, detail, severity } = error as { code?: unknown; detail?: unknown; severity?: unknown };
  const parts = [error.message];
  if (typeof code === 'string' && typeof severity === 'string' && SQLSTATE.test(code)) parts.push(`(SQLSTATE ${code})`);
  if (options.detail && typeof detail === 'string' && detail.length > 0) parts.push(`detail: ${detail}`);
  return parts.join(' ');
}
