import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPool } from './worker-pool';

interface Request {
  id: number;
  n: number;
  do?: 'fail' | 'exit' | 'hang' | 'throw';
  buffer?: ArrayBuffer;
}

// a plain JavaScript worker: the pool's mechanics, apart from what the audit worker computes
const SCRIPT = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (request) => {
  if (request.do === 'exit') process.exit(3);
  if (request.do === 'throw') throw new Error('thrown for ' + request.n);
  if (request.do === 'hang') return;
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
    pool = new WorkerPool(script, 1, (code, error) => replaced.push([code, error]));
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
