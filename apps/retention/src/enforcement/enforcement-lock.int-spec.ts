import { waitFor } from '../../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { tryEnforcementLock } from './enforcement-lock';

describe('tryEnforcementLock (real PostgreSQL)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack('enforcelock');
  });
  afterAll(() => stack.teardown());

  it('lets one session enforce at a time, and the next once it is released', async () => {
    const first = await tryEnforcementLock(stack.databaseUrl);
    expect(first).toBeDefined();
    expect(await tryEnforcementLock(stack.databaseUrl)).toBeUndefined();
    await first!.release();
    const next = await tryEnforcementLock(stack.databaseUrl);
    expect(next).toBeDefined();
    await next!.release();
  });

  it('is released by PostgreSQL when the holder’s connection dies', async () => {
    const holder = await tryEnforcementLock(stack.databaseUrl);
    const [{ pid }] = (await holder!.sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    holder!.sql.on('error', () => undefined);
    await stack.query('SELECT pg_terminate_backend($1)', [pid]);
    // the backend ends asynchronously; the lock is free once it has
    const taken = await waitFor('the lock to be free again', () => tryEnforcementLock(stack.databaseUrl));
    await taken.release();
    await holder!.release();
  });
});
