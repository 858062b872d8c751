import { Worker } from 'node:worker_threads';

/** What a pool's worker script answers to each request: the same id, and a result or an error. */
export interface WorkerReply<R> {
  id: number;
  result?: R;
  error?: string;
}

export interface WorkerPoolOptions {
  /** Told when a thread died (or was stopped) and a new one took its place. */
  onReplaced?: (exitCode: number, error?: string) => void;
  /**
   * A request not answered within this time fails, and its thread, which may be stuck, is
   * stopped and replaced. Default: no limit.
   */
  taskTimeoutMs?: number;
}

interface Pending<R> {
  thread: Worker;
  resolve(result: R): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * A fixed number of worker threads running one script, requests handed out in turn. A thread that
 * dies (an uncaught error, an exit, running out of memory) or does not answer within the task
 * timeout fails the requests it held, with an Error saying so, and is replaced: the caller's
 * retry finds a working pool, and no caller waits forever.
 */
export class WorkerPool<Q extends { id: number }, R> {
  private readonly threads: Worker[] = [];
  private readonly pending = new Map<number, Pending<R>>();
  /** Why a thread was stopped by the pool (a timeout), for the requests it still held. */
  private readonly stopped = new WeakMap<Worker, string>();
  private readonly onReplaced: NonNullable<WorkerPoolOptions['onReplaced']>;
  private nextId = 0;
  private nextThread = 0;
  private closing = false;

  constructor(
    private readonly script: string,
    size: number,
    private readonly options: WorkerPoolOptions = {},
  ) {
    this.onReplaced = options.onReplaced ?? (() => undefined);
    for (let i = 0; i < size; i++) this.threads.push(this.spawn());
  }

  /** Sends a request (its transferables moved, not copied) and resolves with the thread's result. */
  run(make: (id: number) => Q, transfer: (request: Q) => ArrayBuffer[] = () => []): Promise<R> {
    if (this.closing) return Promise.reject(new Error('the worker pool is closed'));
    const thread = this.threads[this.nextThread++ % this.threads.length];
    const request = make(this.nextId++);
    return new Promise<R>((resolve, reject) => {
      const pending: Pending<R> = { thread, resolve, reject };
      const timeoutMs = this.options.taskTimeoutMs;
      if (timeoutMs !== undefined) {
        pending.timer = setTimeout(() => this.timedOut(request.id, timeoutMs), timeoutMs);
        pending.timer.unref();
      }
      this.pending.set(request.id, pending);
      try {
        thread.postMessage(request, transfer(request));
      } catch (error) {
        this.settle(request.id)?.reject(error as Error);
      }
    });
  }

  /** Takes a request out of the books; undefined when it was settled before. */
  private settle(id: number): Pending<R> | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  private timedOut(id: number, timeoutMs: number): void {
    const pending = this.settle(id);
    if (!pending) return;
    const reason = `a request took longer than ${timeoutMs} ms`;
    pending.reject(new Error(`worker thread did not answer within ${timeoutMs} ms; the thread is replaced`));
    // the thread may be stuck in a loop: only stopping it frees it. Its successor takes over at
    // once, so that no request goes to a thread on its way out.
    const thread = pending.thread;
    if (this.stopped.has(thread)) return;
    this.stopped.set(thread, reason);
    const index = this.threads.indexOf(thread);
    if (index >= 0 && !this.closing) this.threads[index] = this.spawn();
    void thread.terminate();
  }

  private spawn(): Worker {
    const thread = new Worker(this.script);
    let uncaught: Error | undefined;
    thread.on('message', (reply: WorkerReply<R>) => {
      const pending = this.settle(reply.id);
      if (reply.error === undefined) pending?.resolve(reply.result as R);
      else pending?.reject(new Error(`worker thread failed: ${reply.error}`));
    });
    thread.on('error', (error) => (uncaught = error)); // followed by 'exit', handled there
    thread.on('exit', (code) => {
      const stoppedBecause = this.stopped.get(thread);
      const why = stoppedBecause
        ? `worker thread was stopped (${stoppedBecause})`
        : `worker thread exited with code ${code}${uncaught ? `: ${uncaught.message}` : ''}`;
      for (const [id, pending] of this.pending) {
        if (pending.thread === thread) this.settle(id)?.reject(new Error(why));
      }
      if (this.closing) return;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads[index] = this.spawn(); // else replaced when it was stopped
      this.onReplaced(code, uncaught?.message ?? stoppedBecause);
    });
    thread.unref();
    return thread;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
