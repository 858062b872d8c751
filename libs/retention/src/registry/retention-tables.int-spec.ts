import { createTestStack, type TestStack } from '../../../../test/support/test-stack';
import { RETENTION_TABLES } from './retention-tables';

/** Catches drift between the registry and the stores' migrations as they land. */
describe('RETENTION_TABLES against the migrated schema (real PostgreSQL)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack('retentiontables');
  });
  afterAll(() => stack.teardown());

  const columns = async (table: string) =>
    (
      await stack.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1`,
        [table],
      )
    ).reduce<Record<string, string>>((all, row) => ({ ...all, [row.column_name]: row.data_type }), {});

  it('names, for every store that exists, a table range-partitioned on its time column (or plain, as declared), real columns, copies and indexes', async () => {
    const present: string[] = [];
    for (const store of RETENTION_TABLES) {
      const [table] = await stack.query<{ key: string | null }>(
        `SELECT pg_get_partkeydef(to_regclass($1)) AS key WHERE to_regclass($1) IS NOT NULL`,
        [store.table],
      );
      if (!table) continue;
      present.push(store.table);
      expect({ table: store.table, key: table.key }).toEqual({
        table: store.table,
        key: store.partitioned === false ? null : `RANGE (${store.timeColumn})`,
      });
      const own = await columns(store.table);
      expect({ table: store.table, time: own[store.timeColumn] }).toEqual({
        table: store.table,
        time: 'timestamp with time zone',
      });
      if (store.workspaceColumn) expect(own[store.workspaceColumn]).toBe('text');
      for (const registry of store.idRegistries ?? []) {
        const theirs = await columns(registry.table);
        expect(Object.keys(theirs)).toEqual(expect.arrayContaining([registry.idColumn, registry.timeColumn]));
        expect(own[registry.storeIdColumn]).toBe(theirs[registry.idColumn]);
        if (registry.timeIndex) {
          const [index] = await stack.query<{ def: string }>(`SELECT pg_get_indexdef(to_regclass($1)) AS def`, [
            registry.timeIndex,
          ]);
          expect(index.def).toContain(`ON public.${registry.table} USING brin (${registry.timeColumn})`);
        }
      }
      for (const copy of store.copies ?? []) {
        const [copied] = await stack.query<{ key: string }>(`SELECT pg_get_partkeydef(to_regclass($1)) AS key`, [
          copy.table,
        ]);
        expect({ copy: copy.table, key: copied.key }).toEqual({ copy: copy.table, key: `RANGE (${store.timeColumn})` });
        const theirs = await columns(copy.table);
        expect(theirs[store.timeColumn]).toBe(own[store.timeColumn]);
        if (store.workspaceColumn) expect(theirs[store.workspaceColumn]).toBe(own[store.workspaceColumn]);
      }
    }
    // the event store has landed: its two stores at least are checked
    expect(present).toEqual(expect.arrayContaining(['audit_events', 'auth_events', 'dead_letters']));
  });
});
