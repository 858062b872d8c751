import { parseDatabaseUrl, withDatabase } from './database-url';

describe('parseDatabaseUrl', () => {
  it('finds the database and the maintenance database of the same server', () => {
    expect(parseDatabaseUrl('postgres://app:pw@db.internal:5433/meshtrail?sslmode=require')).toEqual({
      database: 'meshtrail',
      maintenanceUrl: 'postgres://app:pw@db.internal:5433/postgres?sslmode=require',
    });
  });

  it('refuses database names that are not plain identifiers', () => {
    expect(() => parseDatabaseUrl('postgres://h/x";DROP DATABASE y;--')).toThrow(/must name a database/);
    expect(() => parseDatabaseUrl('postgres://h/')).toThrow(/must name a database/);
  });
});

describe('withDatabase', () => {
  it('replaces only the database part', () => {
    expect(withDatabase('postgres://u@h:5432/a?x=1', 'b')).toBe('postgres://u@h:5432/b?x=1');
  });
});
