import { inTransaction, type StatementSession } from './transaction';

/** A session that records the statements sent and fails the ones named. */
function session(failing: string[] = []): StatementSession & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    query: async (text: string) => {
      sent.push(text);
      if (failing.includes(text)) throw new Error(`${text} failed`);
    },
  };
}

describe('inTransaction', () => {
  it('given work that resolves, when run, then opens with BEGIN, runs the work and commits', async () => {
    const db = session();
    await expect(inTransaction(db, async () => db.query('INSERT').then(() => 7))).resolves.toBe(7);
    expect(db.sent).toEqual(['BEGIN', 'INSERT', 'COMMIT']);
  });

  it('given an opening message, when run, then sends it instead of BEGIN', async () => {
    const db = session();
    await inTransaction(db, async () => undefined, 'BEGIN; SET LOCAL ROLE r');
    expect(db.sent).toEqual(['BEGIN; SET LOCAL ROLE r', 'COMMIT']);
  });

  it('given an opening message that fails after BEGIN, when run, then rolls back and never runs the work', async () => {
    const db = session(['BEGIN; SET LOCAL ROLE missing']);
    const work = jest.fn(async () => undefined);
    await expect(inTransaction(db, work, 'BEGIN; SET LOCAL ROLE missing')).rejects.toThrow('failed');
    expect(work).not.toHaveBeenCalled();
    expect(db.sent).toEqual(['BEGIN; SET LOCAL ROLE missing', 'ROLLBACK']);
  });

  it('given work that throws and a rollback that fails too, when run, then the work’s error is the one thrown', async () => {
    const db = session(['ROLLBACK']);
    await expect(
      inTransaction(db, async () => {
        throw new Error('the cause');
      }),
    ).rejects.toThrow('the cause');
    expect(db.sent).toEqual(['BEGIN', 'ROLLBACK']);
  });
});
