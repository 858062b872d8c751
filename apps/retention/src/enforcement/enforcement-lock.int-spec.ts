import { DatabaseConnection } from '@meshtrail/database';
import { waitFor } from '../../../../test/support/poll';
import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { withEnforcementLock } from './enforcement-lock';

describe('withEnforcementLock (real PostgreSQL, two replicas)', () => {
  let stack: TestStack;
  let replicaA: DatabaseConnection;
  let replicaB: DatabaseConnection;
  beforeAll(async () => {
    stack = await createTestStack('enforcelock');
    replicaA = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'replica-a' });
    replicaB = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'replica-b' });
  });
  afterAll(async () => {
    await Promise.all([replicaA.close(), replicaB.close()]);
    await stack.teardown();
  });

  it('lets one replica enforce at a time, and the next once the first is done', async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    const first = withEnforcementLock(
      replicaA,
      async () => {
        started();
        await finished;
        return 'ran';
      },
      () => 'busy',
    );
    await holding;
    expect(
      await withEnforcementLock(
        replicaB,
        async () => 'ran',
        () => 'busy',
      ),
    ).toBe('busy');
    finish();
    expect(await first).toBe('ran');
    expect(
      await withEnforcementLock(
        replicaB,
        async () => 'ran',
        () => 'busy',
      ),
    ).toBe('ran');
  });

  it('is released by PostgreSQL when the holder’s connection dies, and the dead session is not pooled', async () => {
    let taken: string | undefined;
    const holder = withEnforcementLock(
      replicaA,
      async (sql) => {
        const [{ pid }] = (await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
        await stack.query('SELECT pg_terminate_backend($1)', [pid]);
        // the backend ends asynchronously; the lock is free once it has
        taken = await waitFor('the lock to be free again', () =>
          withEnforcementLock(
            replicaB,
            async () => 'taken',
            () => undefined,
          ),
        );
        return 'held';
      },
      () => 'busy',
    );
    // unlocking on the dead session fails, so the call fails rather than pooling it
    await expect(holder).rejects.toThrow();
    expect(taken).toBe('taken');
    expect(
      await withEnforcementLock(
        replicaA,
        async () => 'ran again',
        () => 'busy',
      ),
    ).toBe('ran again');
  });
});
