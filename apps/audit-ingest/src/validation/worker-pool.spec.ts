import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPool } from './worker-pool';

interface Task {
  n: number;
  do?: 'throw' | 'exit' | 'crash' | 'spin' | 'overflow';
  buffer?: ArrayBuffer;
}

// a plain JavaScript worker module: the pool's mechanics, apart from what the audit worker computes
const SCRIPT = `
const { threadId } = require('node:worker_threads');
module.exports = (task) => {
  if (task.do === 'throw') throw new Error('no ' + task.n);
  if (task.do === 'exit') process.exit(3);
  if (task.do === 'crash') {
    queueMicrotask(() => { throw new Error('thrown outside the task for ' + task.n); });
    return new Promise(() => undefined);
  }
  if (task.do === 'spin') for (;;);
  if (task.do === 'overflow') { const deep = (n) => deep(n + 1) + 1; deep(0); }
  return { doubled: task.n * 2, threadId };
};
`;

describe('WorkerPool (piscina, real threads)', () => {
  let dir: string;
  let script: string;
  let pool: WorkerPool<Task, { doubled: number; threadId: number }> | undefined;
  let replaced: number;
  let errors: Error[];

  const open = (threads: number, taskTimeoutMs = 10_000) =>
    new WorkerPool<Task, { doubled: number; threadId: number }>(script, {
      threads,
      taskTimeoutMs,
      onReplaced: () => replaced++,
      onError: (error) => errors.push(error),
    });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-pool-'));
    script = path.join(dir, 'worker.js');
    fs.writeFileSync(script, SCRIPT);
  });
  beforeEach(() => {
    replaced = 0;
    errors = [];
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    expect(errors).toEqual([]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('spreads tasks over its threads and hands each answer to its caller', async () => {
    pool = open(2);
    const answers = await Promise.all([1, 2, 3, 4].map((n) => pool!.run({ n })));
    expect(answers.map((a) => a.doubled)).toEqual([2, 4, 6, 8]);
    expect(new Set(answers.map((a) => a.threadId)).size).toBe(2);
  });

  it('rejects with the error a task throws, and its thread goes on', async () => {
    pool = open(1);
    const before = await pool.run({ n: 1 });
    await expect(pool.run({ n: 7, do: 'throw' })).rejects.toThrow('no 7');
    await expect(pool.run({ n: 8 })).resolves.toEqual({ doubled: 16, threadId: before.threadId });
    expect(replaced).toBe(0);
  });

  it('fails the task of a thread that dies, replaces the thread, and goes on', async () => {
    pool = open(1);
    await expect(pool.run({ n: 2, do: 'exit' })).rejects.toThrow('worker exited with code: 3');
    expect(replaced).toBe(1);
    await expect(pool.run({ n: 21 })).resolves.toMatchObject({ doubled: 42 });

    await expect(pool.run({ n: 5, do: 'crash' })).rejects.toThrow('thrown outside the task for 5');
    expect(replaced).toBe(2);
    await expect(pool.run({ n: 4 })).resolves.toMatchObject({ doubled: 8 });
  });

  it('fails a task that takes too long, stops its stuck thread, and replaces it', async () => {
    pool = open(1, 300);
    const stuck = (await pool.run({ n: 1 })).threadId;
    await expect(pool.run({ n: 2, do: 'spin' })).rejects.toThrow(
      'a worker task did not finish within 300 ms; a thread still running it is stopped and replaced',
    );
    expect(replaced).toBe(1);
    const next = await pool.run({ n: 21 });
    expect(next.doubled).toBe(42);
    expect(next.threadId).not.toBe(stuck);
  });

  it('fails a task whose stack overflows, and its thread goes on', async () => {
    pool = open(1);
    await expect(pool.run({ n: 4, do: 'overflow' })).rejects.toThrow(/Maximum call stack size exceeded/);
    await expect(pool.run({ n: 5 })).resolves.toMatchObject({ doubled: 10 });
  });

  it('refuses tasks once closed, and does not count its own threads as replaced', async () => {
    pool = open(2);
    await pool.run({ n: 1 });
    await pool.close();
    await expect(pool.run({ n: 1 })).rejects.toThrow('the worker pool is closed');
    expect(replaced).toBe(0);
  });

  it('moves transferred buffers instead of copying them', async () => {
    pool = open(1);
    const buffer = new ArrayBuffer(16);
    await pool.run({ n: 1, buffer }, [buffer]);
    expect(buffer.byteLength).toBe(0); // detached: now the thread's
  });
});
