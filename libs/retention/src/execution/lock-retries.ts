import type { SqlSession } from '@meshtrail/database';

export interface LockOptions {
  /** How long a statement waits for its lock before giving up and retrying. */
  readonly lockTimeoutMs: number;
  /** Attempts for a statement that timed out waiting for its lock. */
  readonly lockAttempts?: number;
}

const LOCK_NOT_AVAILABLE = '55P03';

/** Bounds how long the statements of the current transaction wait for a lock. */
export async function limitLockWait(sql: SqlSession, options: LockOptions): Promise<void> {
  await sql.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs))}`);
}

/** Runs short work with a lock timeout, retrying when the lock was not granted in time (never queueing for long). */
export async function withLockRetries<T>(options: LockOptions, work: () => Promise<T>): Promise<T> {
  const attempts = options.lockAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
