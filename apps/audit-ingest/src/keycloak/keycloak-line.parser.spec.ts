import fc from 'fast-check';
import { EVENT_FAILURES, type TimeWindow } from '@meshtrail/contracts';
import {
  hostileString,
  propertySeed,
  someTime,
  unstorableJsonReasons,
} from '../../../../test/support/storable-arbitraries';
import { MAX_KEYCLOAK_LINE_LENGTH, parseKeycloakLine, parseKeyValues } from './keycloak-line.parser';

const publishedAt = new Date('2026-11-23T10:15:40.000Z');
const window: TimeWindow = {
  now: new Date('2026-11-23T10:16:00.000Z'),
  oldest: new Date('2000-01-01T00:00:00Z'),
  maxFutureSkewMs: 300_000,
};

function parsed(line: string) {
  const result = parseKeycloakLine(line, publishedAt, window);
  if (!result.ok) throw new Error(`expected the line to parse: ${result.message}`);
  return result.event;
}

describe('parseKeycloakLine', () => {
  it('reads a login event as Keycloak (Quarkus) writes it: quoted values, log prefix', () => {
    const event = parsed(
      '2026-11-23 10:15:32,123 INFO  [org.keycloak.events] (executor-thread-7) type="LOGIN", realmId="7d9c1e2a-5b1f-4c6e-9a4d-2f3b8c1d0e11", realmName="meshstack", clientId="meshfed-web", userId="0f8e7d6c-1111-4a2b-9c3d-abcdef012345", sessionId="9a8b7c6d-2222-4e5f-8a9b-0c1d2e3f4a5b", ipAddress="203.0.113.17", auth_method="openid-connect", auth_type="code", redirect_uri="https://panel.example.com/callback", consent="no_consent_required", code_id="9a8b7c6d-2222-4e5f-8a9b-0c1d2e3f4a5b", username="jane@example.com"',
    );
    expect(event).toMatchObject({
      kind: 'login',
      type: 'LOGIN',
      occurredAt: new Date('2026-11-23T10:15:32.123Z'),
      realmId: '7d9c1e2a-5b1f-4c6e-9a4d-2f3b8c1d0e11',
      realmName: 'meshstack',
      clientId: 'meshfed-web',
      userId: '0f8e7d6c-1111-4a2b-9c3d-abcdef012345',
      ipAddress: '203.0.113.17',
      error: null,
    });
    expect(event.details).toMatchObject({ username: 'jane@example.com', auth_method: 'openid-connect' });
  });

  it('keeps a LOGIN_ERROR with its error, in the older unquoted WildFly format without a date', () => {
    const event = parsed(
      "10:15:09,965 WARN  [org.keycloak.events] (default task-51) type=LOGIN_ERROR, realmId=master, clientId=myapp, userId=null, ipAddress=127.0.0.1, error=invalid_user_credentials, auth_method=openid-connect, auth_type=code, redirect_uri=http://localhost:8180/myapp, code_id=b669da14-cdbb-41d0-b055-0810a0334607, username=admin, reason='Invalid user credentials given'",
    );
    expect(event).toMatchObject({
      kind: 'login',
      type: 'LOGIN_ERROR',
      occurredAt: new Date('2026-11-23T10:15:09.965Z'),
      realmId: 'master',
      userId: null,
      error: 'invalid_user_credentials',
    });
    expect(event.details.reason).toBe('Invalid user credentials given');
  });

  it('reads an admin event with resource type and path', () => {
    const event = parsed(
      '2026-11-23 10:16:01,002 DEBUG [org.keycloak.events] (executor-thread-3) operationType="UPDATE", realmId="meshstack", realmName="meshstack", clientId="admin-cli", userId="u-1", ipAddress="10.1.2.3", resourceType="USER", resourcePath="users/0f8e7d6c-1111-4a2b-9c3d-abcdef012345"',
    );
    expect(event).toMatchObject({
      kind: 'admin',
      type: 'UPDATE',
      resourceType: 'USER',
      resourcePath: 'users/0f8e7d6c-1111-4a2b-9c3d-abcdef012345',
      error: null,
    });
  });

  it('reads a failed admin event, a bare message, and a JSON log record', () => {
    expect(
      parsed(
        'operationType=DELETE, realmId=master, clientId=admin-cli, userId=u-1, ipAddress=10.0.0.1, resourceType=CLIENT, resourcePath=clients/c-1, error=unknown_error',
      ),
    ).toMatchObject({ kind: 'admin', type: 'DELETE', error: 'unknown_error', occurredAt: publishedAt });
    const json = parsed(
      JSON.stringify({
        timestamp: '2026-11-23T10:14:00.5Z',
        loggerName: 'org.keycloak.events',
        level: 'DEBUG',
        message:
          'type="LOGOUT", realmId="master", clientId="null", userId="u-2", ipAddress="10.0.0.2", redirect_uri="https://x.example.com/a b"',
      }),
    );
    expect(json).toMatchObject({ type: 'LOGOUT', clientId: null, occurredAt: new Date('2026-11-23T10:14:00.500Z') });
    expect(json.details.redirect_uri).toBe('https://x.example.com/a b');
  });

  it.each([
    ['an empty line', ''],
    ['another logger', '2026-11-23 10:15:32,123 INFO  [org.keycloak.services] (main) type=LOGIN, realmId=x'],
    ['a stack trace line', '\tat org.keycloak.services.Foo.bar(Foo.java:42)'],
    ['free text', 'Keycloak 26.0.5 on JVM (powered by Quarkus 3.15.1) started in 12.3s'],
    ['no realm', 'type=LOGIN, clientId=x, userId=y'],
    ['an unknown operation', 'operationType=EXPLODE, realmId=x'],
    ['an unterminated quote', 'type="LOGIN, realmId="x'],
    ['a bad timestamp', '2026-13-45 99:15:32,123 INFO  [org.keycloak.events] (t) type=LOGIN, realmId=x'],
  ])('refuses %s as unparseable, saying why', (_name, line) => {
    const result = parseKeycloakLine(line, publishedAt, window);
    expect(result).toMatchObject({ ok: false, code: EVENT_FAILURES.KEYCLOAK_UNPARSEABLE });
    expect(result.ok || result.message.length > 0).toBe(true);
  });

  const prefixed = (time: string) => `${time} INFO  [org.keycloak.events] (t) type=LOGIN, realmId=master, userId=u-1`;
  const refusal = (line: string, at = publishedAt) => {
    const result = parseKeycloakLine(line, at, window);
    return result.ok ? 'accepted' : `${result.code} ${result.message}`;
  };

  it.each([
    ['2026-02-30 10:15:32,123', 'the timestamp of the line has no day 30 in 2026-02'],
    ['2026-11-23 24:00:00,000', 'the timestamp of the line has no hour 24 (00 to 23)'],
    ['2026-11-31T10:15:32Z', 'the timestamp of the line has no day 31 in 2026-11'],
  ])('refuses the calendar-invalid time %s, which new Date() would roll over', (time, message) => {
    expect(refusal(prefixed(time))).toBe(`KEYCLOAK.UNPARSEABLE_LINE ${message}`);
  });

  it('reads zones with or without a colon, and refuses times outside the window', () => {
    expect(parsed(prefixed('2026-11-23 11:15:32,123+0100')).occurredAt).toEqual(new Date('2026-11-23T10:15:32.123Z'));
    expect(parsed(prefixed('2026-11-23T11:15:32.5+01:00')).occurredAt).toEqual(new Date('2026-11-23T10:15:32.500Z'));
    expect(refusal(prefixed('0000-01-01 00:00:00,000'))).toBe(
      'KEYCLOAK.TIME_OUT_OF_RANGE the time of the line, 0000-01-01T00:00:00.000Z, is before 2000-01-01T00:00:00.000Z, the oldest time accepted',
    );
    expect(refusal(prefixed('1970-01-01 00:00:00,000'))).toMatch(/^KEYCLOAK\.TIME_OUT_OF_RANGE .* before 2000-01-01/);
    expect(refusal(prefixed('2026-11-23 11:00:00,000'))).toBe(
      'KEYCLOAK.TIME_OUT_OF_RANGE the time of the line, 2026-11-23T11:00:00.000Z, is more than 300 s ahead of the clock (2026-11-23T10:16:00.000Z)',
    );
    // a line without a time takes the record's: that too must be in the window
    const bare = 'type=LOGIN, realmId=master';
    expect(refusal(bare, new Date(0))).toMatch(
      /^KEYCLOAK\.TIME_OUT_OF_RANGE the time of the line, 1970-01-01T00:00:00\.000Z/,
    );
    expect(refusal(bare, new Date(NaN))).toMatch(/^KEYCLOAK\.TIME_OUT_OF_RANGE the time of the line, NaN/);
  });

  it('refuses NUL, lone surrogates (also as JSON escapes) and lines over the length limit', () => {
    expect(refusal('type=LOGIN, realmId=master, username=a\u0000b')).toBe(
      'KEYCLOAK.UNPARSEABLE_LINE the line contains a NUL character (\\u0000)',
    );
    expect(refusal('type=LOGIN, realmId=master, username=\ud800')).toMatch(
      /^KEYCLOAK\.UNPARSEABLE_LINE the line is not well-formed/,
    );
    const json = JSON.stringify({
      loggerName: 'org.keycloak.events',
      message: 'type=LOGIN, realmId=m, username=x\ud800',
    });
    expect(json).toContain('\\ud800');
    expect(refusal(json)).toBe(
      'KEYCLOAK.UNPARSEABLE_LINE message: is not well-formed Unicode (a lone surrogate such as \\ud800)',
    );
    const nul = JSON.stringify({ message: 'type=LOGIN, realmId=m, username=x\u0000' });
    expect(refusal(nul)).toMatch(/^KEYCLOAK\.UNPARSEABLE_LINE message: contains a NUL/);
    const long = `type=LOGIN, realmId=master, username=${'x'.repeat(MAX_KEYCLOAK_LINE_LENGTH)}`;
    expect(refusal(long)).toBe(`KEYCLOAK.UNPARSEABLE_LINE the line is ${long.length} characters long; at most 65536`);
  });

  it('refuses indexed fields longer than their index holds', () => {
    expect(refusal(`type=LOGIN, realmId=${'r'.repeat(257)}`)).toBe(
      'KEYCLOAK.UNPARSEABLE_LINE realmId: 257 characters; at most 256',
    );
    expect(refusal(`type=LOGIN, realmId=m, userId=${'u'.repeat(257)}`)).toMatch(/userId: 257 characters; at most 256/);
    expect(refusal(`type=${'A'.repeat(65)}, realmId=m`)).toMatch(/type: 65 characters; at most 64/);
  });

  it('property: never throws, and what it accepts auth_events stores', () => {
    const seed = propertySeed('parseKeycloakLine');
    const value = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('master', 'LOGIN', 'null', '"quoted, value"', 'a=b', 'jane@example.com'),
      },
      { weight: 1, arbitrary: hostileString },
    );
    const message = fc
      .tuple(
        fc.constantFrom('type', 'operationType'),
        fc.constantFrom('LOGIN', 'UPDATE', 'x'),
        value,
        fc.dictionary(fc.constantFrom('userId', 'username', 'error', 'x.y'), value),
      )
      .map(([kind, type, realm, pairs]) =>
        [`${kind}=${type}`, `realmId=${realm}`, ...Object.entries(pairs).map(([k, v]) => `${k}=${v}`)].join(', '),
      );
    const time = someTime(window.now);
    const line = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .tuple(time, message)
          .map(([t, m]) => `${t.replace('T', ' ')} INFO  [org.keycloak.events] (t) ${m}`),
      },
      {
        weight: 3,
        arbitrary: fc
          .tuple(time, message)
          .map(([t, m]) => JSON.stringify({ timestamp: t, loggerName: 'org.keycloak.events', message: m })),
      },
      { weight: 2, arbitrary: message },
      { weight: 1, arbitrary: hostileString },
    );
    const at = fc.oneof(fc.constant(publishedAt), fc.date());
    let accepted = 0;
    fc.assert(
      fc.property(line, at, (text, when) => {
        const result = parseKeycloakLine(text, when, window);
        if (!result.ok) return result.message.isWellFormed();
        accepted++;
        const { occurredAt, details, ...fields } = result.event;
        const t = occurredAt.getTime();
        expect(t >= window.oldest.getTime() && t <= window.now.getTime() + window.maxFutureSkewMs).toBe(true);
        expect(unstorableJsonReasons({ ...fields, details, line: text }, 3)).toEqual([]);
        expect(() => JSON.stringify({ occurred_at: occurredAt })).not.toThrow();
      }),
      { seed, verbose: true, numRuns: 1_000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('parseKeyValues', () => {
  it('handles escaped quotes, single quotes, brackets and null', () => {
    expect(
      Object.fromEntries(parseKeyValues('a="say \\"hi\\"", b=\'x y\', c=[k=v, l=w], d=null, e="null", f=plain')!),
    ).toEqual({ a: 'say "hi"', b: 'x y', c: 'k=v, l=w', d: null, e: null, f: 'plain' });
  });
});
