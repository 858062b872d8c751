import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPool } from './worker-pool';

interface Request {
  id: number;
  n: number;
  do?: 'fail' | 'exit' | 'hang' | 'throw' | 'spin' | 'overflow';
  buffer?: ArrayBuffer;
}

// a plain JavaScript worker: the pool's mechanics, apart from what the audit worker computes
const SCRIPT = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (request) => {
  if (request.do === 'exit') process.exit(3);
  if (request.do === 'throw') throw new Error('thrown for ' + request.n);
  if (request.do === 'hang') return;
  if (request.do === 'spin') for (;;);
  if (request.do === 'overflow') { const deep = (n) => deep(n + 1) + 1; deep(0); }
  if (request.do === 'fail') return parentPort.postMessage({ id: request.id, error: 'no ' + request.n });
  parentPort.postMessage({ id: request.id, result: { doubled: request.n * 2, threadId } });
});
`;

describe('WorkerPool', () => {
  let dir: string;
  let script: string;
  let pool: WorkerPool<Request, { doubled: number; threadId: number }> | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-pool-'));
    script = path.join(dir, 'worker.js');
    fs.writeFileSync(script, SCRIPT);
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands requests to its threads in turn and each answer to its caller', async () => {
    pool = new WorkerPool(script, 2);
    const answers = await Promise.all([1, 2, 3, 4].map((n) => pool!.run((id) => ({ id, n }))));
    expect(answers.map((a) => a.doubled)).toEqual([2, 4, 6, 8]);
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(2);
  });

  it('rejects with the error a thread reports', async () => {
    pool = new WorkerPool(script, 1);
    await expect(pool.run((id) => ({ id, n: 7, do: 'fail' }))).rejects.toThrow('worker thread failed: no 7');
    await expect(pool.run((id) => ({ id, n: 8 }))).resolves.toMatchObject({ doubled: 16 });
  });

  it('fails what a dying thread held, replaces the thread, and goes on', async () => {
    const replaced: Array<[number, string | undefined]> = [];
    pool = new WorkerPool(script, 1, { onReplaced: (code, error) => replaced.push([code, error]) });
    const held = pool.run((id) => ({ id, n: 1, do: 'hang' }));
    const dying = pool.run((id) => ({ id, n: 2, do: 'exit' }));
    await expect(held).rejects.toThrow('worker thread exited with code 3');
    await expect(dying).rejects.toThrow('worker thread exited with code 3');
    expect(replaced).toEqual([[3, undefined]]);
    await expect(pool.run((id) => ({ id, n: 21 }))).resolves.toMatchObject({ doubled: 42 });

    await expect(pool.run((id) => ({ id, n: 5, do: 'throw' }))).rejects.toThrow('worker thread exited with code 1');
    expect(replaced[1]).toEqual([1, 'thrown for 5']);
    await expect(pool.run((id) => ({ id, n: 4 }))).resolves.toMatchObject({ doubled: 8 });
  });

  it('fails a request that takes too long, stops its stuck thread, and replaces it', async () => {
    const replaced: Array<[number, string | undefined]> = [];
    pool = new WorkerPool(script, 1, {
      taskTimeoutMs: 300,
      onReplaced: (code, error) => replaced.push([code, error]),
    });
    const spinning = pool.run((id) => ({ id, n: 1, do: 'spin' }));
    const queued = pool.run((id) => ({ id, n: 2 })); // behind the spinning one on the same thread
    await expect(spinning).rejects.toThrow('worker thread did not answer within 300 ms; the thread is replaced');
    await expect(queued).rejects.toThrow(
      /worker thread (was stopped \(a request took longer than 300 ms\)|did not answer)/,
    );
    await expect(pool.run((id) => ({ id, n: 21 }))).resolves.toMatchObject({ doubled: 42 });
    expect(replaced).toEqual([[1, 'a request took longer than 300 ms']]);
  });

  it('answers in time within the timeout, and a thread whose stack overflows fails its request', async () => {
    pool = new WorkerPool(script, 1, { taskTimeoutMs: 5_000 });
    await expect(pool.run((id) => ({ id, n: 3 }))).resolves.toMatchObject({ doubled: 6 });
    await expect(pool.run((id) => ({ id, n: 4, do: 'overflow' }))).rejects.toThrow(
      /worker thread exited with code 1: Maximum call stack size exceeded/,
    );
    await expect(pool.run((id) => ({ id, n: 5 }))).resolves.toMatchObject({ doubled: 10 });
  });

  it('refuses requests once closed', async () => {
    pool = new WorkerPool(script, 1);
    await pool.close();
    await expect(pool.run((id) => ({ id, n: 1 }))).rejects.toThrow('the worker pool is closed');
  });

  it('moves transferred buffers instead of copying them', async () => {
    pool = new WorkerPool(script, 1);
    const buffer = new ArrayBuffer(16);
    await pool.run(
      (id) => ({ id, n: 1, buffer }),
      () => [buffer],
    );
    expect(buffer.byteLength).toBe(0); // detached: now the thread's
  });
});
