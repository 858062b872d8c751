import { operationName } from './database-metrics';

describe('operationName', () => {
  it('names the statement by its first keyword, skipping comments', () => {
    expect(operationName('SELECT 1')).toBe('SELECT');
    expect(operationName('  insert into t values ($1)')).toBe('INSERT');
    expect(operationName('-- a note\n/* more */ UPDATE t SET a = 1')).toBe('UPDATE');
  });

  it('never returns anything outside its fixed set', () => {
    expect(operationName("'jane@example.com'")).toBe('OTHER');
    expect(operationName('VACUUM t')).toBe('OTHER');
    expect(operationName('')).toBe('OTHER');
  });
});
