import { filterFromParams } from '../query/event-filter';
import {
  auditEventsApply,
  authByIdQuery,
  authCountQuery,
  authEventsApply,
  authExportQuery,
  authPageQuery,
  AUTH_EXPORT_SELECT,
} from './auth-event-sql';
import { EXPORT_COLUMNS } from './event-sql';

const admin = { all: true } as const;
const manager = { all: false, workspaces: ['ws-1'] } as const;

describe('Keycloak events in the trail', () => {
  it.each([
    [{}, true],
    [{ kind: 'auth' }, true],
    [{ kind: 'keycloak' }, true],
    [{ kind: 'audit' }, false],
    [{ q: '-kind:audit' }, true],
    [{ actor: 'jane', change: 'LOGIN_ERROR', from: '2026-01-01' }, true],
    [{ source: 'keycloak' }, true],
    [{ source: 'meshstack' }, false],
    [{ q: '-source:keycloak' }, false],
    [{ workspace: 'ws-1' }, false],
    [{ objectType: 'Project' }, false],
    [{ action: 'deleted' }, false],
    [{ q: '-workspace:ws-1 -action:deleted' }, true],
  ])('for an admin, %j may match them: %s', (params, expected) => {
    expect(authEventsApply(filterFromParams(params), admin)).toBe(expected);
  });

  it('are never for a scoped caller', () => {
    expect(authEventsApply(filterFromParams({ kind: 'auth' }), manager)).toBe(false);
  });

  it('leave audit events out only when the kind says so', () => {
    expect(auditEventsApply(filterFromParams({}))).toBe(true);
    expect(auditEventsApply(filterFromParams({ kind: 'auth' }))).toBe(false);
    expect(auditEventsApply(filterFromParams({ q: '-kind:auth' }))).toBe(true);
    expect(auditEventsApply(filterFromParams({ q: '-kind:audit' }))).toBe(false);
  });

  it('bind every value and order by the table’s time and sequence', () => {
    const hostile = "x' OR 1=1; --";
    const filter = filterFromParams({ actor: hostile, change: hostile, to: '2026-02-01' });
    for (const query of [
      authPageQuery(filter, 50, { occurredUs: '5', seq: '1' }),
      authCountQuery(filter),
      authExportQuery(filter),
    ]) {
      expect(query.text).not.toContain(hostile);
      expect(JSON.stringify(query.values)).toContain(JSON.stringify(hostile).slice(1, -1));
    }
    expect(authPageQuery(filter, 50).text).toContain('ORDER BY auth_events.occurred_at DESC, auth_events.seq DESC');
  });

  it('export the same columns as audit events, then the keyset position', () => {
    // every export column has a value: the CSV and NDJSON writers read them by position
    expect(AUTH_EXPORT_SELECT.split(', ').length).toBeGreaterThanOrEqual(EXPORT_COLUMNS.length + 2);
    expect(AUTH_EXPORT_SELECT).not.toContain('undefined');
  });

  it('look an event up by the position its id carries, and nothing else', () => {
    expect(authByIdQuery('keycloak-1767225600123456-42')?.values).toEqual(['1767225600123456', '42']);
    expect(authByIdQuery('keycloak-1-2; DROP')).toBeUndefined();
    expect(authByIdQuery('evt-1')).toBeUndefined();
    // numbers no stored event has, which PostgreSQL would refuse as out of range
    expect(authByIdQuery('keycloak-9223372036854775807-1')).toBeUndefined();
    expect(authByIdQuery('keycloak-1-9223372036854775808')).toBeUndefined();
    expect(authByIdQuery('keycloak-253402300799999999-9223372036854775807')?.values).toHaveLength(2);
  });
});
