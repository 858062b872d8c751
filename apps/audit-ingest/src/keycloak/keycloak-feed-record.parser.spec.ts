import fc from 'fast-check';
import { EVENT_FAILURES, type TimeWindow } from '@meshtrail/contracts';
import { hostileString, propertySeed, unstorableJsonReasons } from '../../../../test/support/storable-arbitraries';
import { feedRecord } from '../keycloak-feed/keycloak-feed-record';
import { parseKeycloakRecord } from './keycloak-feed-record.parser';

const window: TimeWindow = {
  now: new Date('2026-12-05T23:00:00.000Z'),
  oldest: new Date('2000-01-01T00:00:00Z'),
  maxFutureSkewMs: 300_000,
};
const publishedAt = new Date('2026-12-05T22:59:00.000Z');

/** As Keycloak 26.5's admin API returned them (GET /admin/realms/meshtrail/events, /admin-events). */
const loginError = {
  id: '3b87c78b-3a1c-425e-bdfa-108574954155',
  time: Date.parse('2026-12-05T22:58:31.914Z'),
  type: 'LOGIN_ERROR',
  realmId: '9655f7db-baa8-4a0e-94dc-ee98351e9edb',
  clientId: 'meshtrail-cli',
  userId: '1d6655a2-1a93-46f5-8b8b-b3016771edb6',
  ipAddress: '127.0.0.1',
  error: 'invalid_user_credentials',
  details: { auth_method: 'openid-connect', grant_type: 'password', username: 'max' },
};
const roleGranted = {
  id: '0c6f1a51-3d3e-4a55-9f0e-3c1f7d1e2b44',
  time: Date.parse('2026-12-05T22:58:40.100Z'),
  realmId: '9655f7db-baa8-4a0e-94dc-ee98351e9edb',
  authDetails: {
    realmId: 'ae1c7c2f-0000-4000-8000-000000000001',
    clientId: 'c0ffee00-0000-4000-8000-000000000002',
    userId: 'a11ce000-0000-4000-8000-000000000003',
    ipAddress: '10.0.0.7',
  },
  operationType: 'CREATE',
  resourceType: 'REALM_ROLE_MAPPING',
  resourcePath: 'users/1d6655a2-1a93-46f5-8b8b-b3016771edb6/role-mappings/realm',
  representation: '[{"id":"r-1","name":"meshtrail-admin","composite":false}]',
};

const parse = (text: string) => parseKeycloakRecord(text, publishedAt, window);

describe('parseKeycloakRecord: records of the Keycloak event feed', () => {
  it("reads a failed sign-in with Keycloak's id, time, user, address and details", () => {
    const result = parse(feedRecord('meshtrail', 'login', loginError));
    expect(result).toEqual({
      ok: true,
      event: {
        kind: 'login',
        type: 'LOGIN_ERROR',
        occurredAt: new Date('2026-12-05T22:58:31.914Z'),
        realmId: loginError.realmId,
        realmName: 'meshtrail',
        clientId: 'meshtrail-cli',
        userId: loginError.userId,
        sessionId: null,
        ipAddress: '127.0.0.1',
        error: 'invalid_user_credentials',
        resourceType: null,
        resourcePath: null,
        details: { auth_method: 'openid-connect', grant_type: 'password', username: 'max' },
        keycloakEventId: loginError.id,
      },
    });
  });

  it('reads an admin event: who did it (authDetails), what, where, and the representation', () => {
    const result = parse(feedRecord('meshtrail', 'admin', roleGranted));
    expect(result).toMatchObject({
      ok: true,
      event: {
        kind: 'admin',
        type: 'CREATE',
        occurredAt: new Date('2026-12-05T22:58:40.100Z'),
        realmName: 'meshtrail',
        clientId: roleGranted.authDetails.clientId,
        userId: roleGranted.authDetails.userId,
        ipAddress: '10.0.0.7',
        resourceType: 'REALM_ROLE_MAPPING',
        resourcePath: roleGranted.resourcePath,
        error: null,
        keycloakEventId: roleGranted.id,
        details: { representation: roleGranted.representation, authRealmId: roleGranted.authDetails.realmId },
      },
    });
  });

  it('a detail never takes the place of one of the event’s own fields', () => {
    const result = parse(feedRecord('meshtrail', 'login', { ...loginError, details: { userId: 'forged', a: 'b' } }));
    expect(result).toMatchObject({ ok: true, event: { userId: loginError.userId, details: { a: 'b' } } });
  });

  it('shortens an oversized representation so the event is still stored, and says so', () => {
    const huge = { ...roleGranted, representation: `{"attributes":"${'x'.repeat(200_000)}"}` };
    const text = feedRecord('meshtrail', 'admin', huge);
    expect(text.length).toBeLessThanOrEqual(60_000);
    const result = parse(text);
    if (!result.ok) throw new Error(result.message);
    expect(result.event.details.representation_truncated).toMatch(
      new RegExp(`^${huge.representation.length} characters, the first \\d+ kept$`),
    );
    expect(huge.representation.startsWith(result.event.details.representation!)).toBe(true);
  });

  it.each([
    ['no id', { ...loginError, id: undefined }, /^event\.id: must be Keycloak's event id/],
    ['a time that is not epoch milliseconds', { ...loginError, time: '2026-12-05' }, /^event\.time: must be epoch/],
    ['a NUL in a detail (as a JSON escape)', { ...loginError, details: { username: 'a\u0000b' } }, /NUL/],
    ['a number where text belongs', { ...loginError, userId: 42 }, /^event\.userId: not a string/],
    ['an unknown type', { ...loginError, type: 'login error' }, /^type: missing or not an event type/],
    ['no realm id', { ...loginError, realmId: undefined }, /^realmId: missing/],
  ])('refuses a login event with %s, saying why', (_name, event, message) => {
    const result = parse(feedRecord('meshtrail', 'login', event as typeof loginError));
    expect(result).toMatchObject({ ok: false, code: EVENT_FAILURES.KEYCLOAK_UNPARSEABLE });
    expect(result.ok ? '' : result.message).toMatch(message);
  });

  it('refuses an event dated outside the window', () => {
    const result = parse(feedRecord('meshtrail', 'login', { ...loginError, time: 0 }));
    expect(result).toMatchObject({ ok: false, code: EVENT_FAILURES.KEYCLOAK_TIME_OUT_OF_RANGE });
  });

  it('reads other JSON as a log record, as before', () => {
    const line = JSON.stringify({
      timestamp: '2026-12-05T22:00:00Z',
      loggerName: 'org.keycloak.events',
      message: 'type=LOGOUT, realmId=m',
    });
    const result = parse(line);
    expect(result).toMatchObject({ ok: true, event: { type: 'LOGOUT' } });
    expect(result.ok && 'keycloakEventId' in result.event).toBe(false);
  });

  it('property: never throws, and what it accepts auth_events stores', () => {
    const seed = propertySeed('parseKeycloakRecord (feed records)');
    const other = fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant({}), fc.constant(null));
    /** Mostly what Keycloak sends, sometimes anything. */
    const field = (...valid: Array<string | null>) =>
      fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: other });
    const event = fc.record(
      {
        id: fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: hostileString }),
        time: fc.oneof(
          { weight: 5, arbitrary: fc.integer({ min: Date.parse('2026-11-01'), max: Date.parse('2026-12-05') }) },
          { weight: 1, arbitrary: fc.double() },
        ),
        type: field('LOGIN', 'LOGIN_ERROR', 'LOGOUT'),
        operationType: field('CREATE', 'UPDATE', 'DELETE'),
        realmId: field('9655f7db-baa8-4a0e-94dc-ee98351e9edb'),
        clientId: field('meshtrail-cli', null),
        userId: field('1d6655a2-1a93-46f5-8b8b-b3016771edb6', null),
        ipAddress: field('127.0.0.1', '::1'),
        error: field(null, 'invalid_user_credentials'),
        resourcePath: field('users/u-1'),
        representation: field('{"enabled":true}', null),
        authDetails: fc.oneof(
          fc.dictionary(fc.constantFrom('userId', 'clientId', 'ipAddress', 'realmId'), field('a')),
          other,
        ),
        details: fc.oneof(
          fc.dictionary(fc.oneof(fc.constantFrom('username', 'userId'), hostileString), field('max')),
          other,
        ),
      },
      { requiredKeys: ['id', 'time'] },
    );
    const record = fc
      .tuple(fc.constantFrom('login', 'admin', 'other'), fc.oneof(fc.constant('meshtrail'), hostileString), event)
      .map(([kind, realm, e]) => JSON.stringify({ feed: 'keycloak-admin-api', realm, kind, event: e }));
    let accepted = 0;
    fc.assert(
      fc.property(record, (text) => {
        const result = parse(text);
        if (!result.ok) return result.message.isWellFormed();
        accepted++;
        const { occurredAt, details, ...fields } = result.event;
        expect(unstorableJsonReasons({ ...fields, details, line: text }, 3)).toEqual([]);
        expect(Number.isNaN(occurredAt.getTime())).toBe(false);
      }),
      { seed, numRuns: 2_000 },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
