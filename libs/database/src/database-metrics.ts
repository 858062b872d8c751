import { metrics } from '@opentelemetry/api';
import type { Pool } from 'pg';

const meter = metrics.getMeter('meshtrail');
const pools = new Map<string, { pool: Pool; max: number }>();

const POOL = 'db.client.connection.pool.name';
meter
  .createObservableGauge('db.client.connection.count', {
    unit: '{connection}',
    description: 'Connections in the pool, by state (idle or used)',
  })
  .addCallback((result) => {
    for (const [name, { pool }] of pools) {
      result.observe(pool.idleCount, { [POOL]: name, 'db.client.connection.state': 'idle' });
      result.observe(pool.totalCount - pool.idleCount, { [POOL]: name, 'db.client.connection.state': 'used' });
    }
  });
meter
  .createObservableGauge('db.client.connection.max', { unit: '{connection}', description: 'Pool size limit' })
  .addCallback((result) => {
    for (const [name, { max }] of pools) result.observe(max, { [POOL]: name });
  });
meter
  .createObservableGauge('db.client.connection.pending_requests', {
    unit: '{request}',
    description: 'Callers waiting for a pooled connection',
  })
  .addCallback((result) => {
    for (const [name, { pool }] of pools) result.observe(pool.waitingCount, { [POOL]: name });
  });

const queryDuration = meter.createHistogram('db.client.operation.duration', {
  unit: 's',
  description: 'Database query duration by operation (the statement keyword, never its text)',
  advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
});
const queryFailures = meter.createCounter('db.client.operation.failures', {
  description: 'Database queries that failed, by operation',
});

/** Reports a pg pool's use under a name (the service's application name). */
export function trackPool(name: string, pool: Pool, max: number): void {
  pools.set(name, { pool, max });
}

export function untrackPool(name: string): void {
  pools.delete(name);
}

const OPERATIONS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'WITH',
  'BEGIN',
  'START',
  'COMMIT',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'CREATE',
  'ALTER',
  'DROP',
  'SET',
  'SHOW',
  'LOCK',
]);

/** The statement's first keyword from a fixed set, "OTHER" otherwise: bounded, and no SQL text leaves. */
export function operationName(query: string): string {
  const keyword = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(query)?.[1]?.toUpperCase();
  return keyword && OPERATIONS.has(keyword) ? keyword : 'OTHER';
}

/** Records one statement the port ran: its duration, or its failure. */
export function recordQuery(query: string, durationMs: number, success: boolean): void {
  const attributes = { 'db.operation.name': operationName(query) };
  if (!success) queryFailures.add(1, attributes);
  else queryDuration.record(durationMs / 1000, attributes);
}
