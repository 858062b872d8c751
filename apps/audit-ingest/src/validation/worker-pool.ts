import { Worker } from 'node:worker_threads';

/** What a pool's worker script answers to each request: the same id, and a result or an error. */
export interface WorkerReply<R> {
  id: number;
  result?: R;
  error?: string;
}

interface Pending<R> {
  thread: Worker;
  resolve(result: R): void;
  reject(error: Error): void;
}

/**
 * A fixed number of worker threads running one script, requests handed out in turn. A thread that
 * dies fails the requests it held and is replaced, so the caller's retry finds a working pool.
 */
export class WorkerPool<Q extends { id: number }, R> {
  private readonly threads: Worker[] = [];
  private readonly pending = new Map<number, Pending<R>>();
  private nextId = 0;
  private nextThread = 0;
  private closing = false;

  constructor(
    private readonly script: string,
    size: number,
    private readonly onReplaced: (exitCode: number, error?: string) => void = () => undefined,
  ) {
    for (let i = 0; i < size; i++) this.threads.push(this.spawn());
  }

  /** Sends a request (its transferables moved, not copied) and resolves with the thread's result. */
  run(make: (id: number) => Q, transfer: (request: Q) => ArrayBuffer[] = () => []): Promise<R> {
    const thread = this.threads[this.nextThread++ % this.threads.length];
    const request = make(this.nextId++);
    return new Promise<R>((resolve, reject) => {
      this.pending.set(request.id, { thread, resolve, reject });
      thread.postMessage(request, transfer(request));
    });
  }

  private spawn(): Worker {
    const thread = new Worker(this.script);
    let uncaught: Error | undefined;
    thread.on('message', (reply: WorkerReply<R>) => {
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error === undefined) pending?.resolve(reply.result as R);
      else pending?.reject(new Error(`worker thread failed: ${reply.error}`));
    });
    thread.on('error', (error) => (uncaught = error)); // followed by 'exit', handled there
    thread.on('exit', (code) => {
      for (const [id, pending] of this.pending) {
        if (pending.thread !== thread) continue;
        this.pending.delete(id);
        pending.reject(new Error(`worker thread exited with code ${code}`));
      }
      if (this.closing) return;
      this.threads[this.threads.indexOf(thread)] = this.spawn();
      this.onReplaced(code, uncaught?.message);
    });
    thread.unref();
    return thread;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
