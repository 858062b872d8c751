import Piscina from 'piscina';

export interface WorkerPoolOptions {
  threads: number;
  /**
   * A task not done within this time (queueing included) fails; if it was running, piscina
   * terminates its thread, the only way to free a thread stuck in a loop, and starts another.
   */
  taskTimeoutMs: number;
  /**
   * Told when a thread went away (it died, or was stopped for a task that took too long) and
   * another took its place; why is the error its task failed with.
   */
  onReplaced: () => void;
  /** Told of a thread's failure that no task was waiting for. */
  onError: (error: Error) => void;
}

/**
 * A fixed number of threads (piscina) running one worker module's default export. A thread that
 * dies fails the task it ran and is replaced; a task that takes too long fails with an error
 * saying so: the caller's retry finds a working pool, and no caller waits forever.
 */
export class WorkerPool<T, R> {
  private readonly pool: Piscina<T, R>;
  private closed = false;

  constructor(
    filename: string,
    private readonly options: WorkerPoolOptions,
  ) {
    this.pool = new Piscina({ filename, minThreads: options.threads, maxThreads: options.threads });
    this.pool.on('workerDestroy', () => {
      if (!this.closed) options.onReplaced();
    });
    this.pool.on('error', options.onError);
  }

  /** Runs one task, its transferables moved to the thread, not copied. */
  async run(task: T, transferList: ArrayBuffer[] = []): Promise<R> {
    if (this.closed) throw new Error('the worker pool is closed');
    const timeoutMs = this.options.taskTimeoutMs;
    try {
      return await this.pool.run(task, { transferList, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
      throw new Error(
        `a worker task did not finish within ${timeoutMs} ms; a thread still running it is stopped and replaced`,
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }
}
