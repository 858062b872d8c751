import { EVENT_FAILURES } from '@meshtrail/contracts';
import { parseKeycloakLine, parseKeyValues } from './keycloak-line.parser';

const publishedAt = new Date('2026-11-23T10:15:40.000Z');

function parsed(line: string) {
  const result = parseKeycloakLine(line, publishedAt);
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
    const result = parseKeycloakLine(line, publishedAt);
    expect(result).toMatchObject({ ok: false, code: EVENT_FAILURES.KEYCLOAK_UNPARSEABLE });
    expect(result.ok || result.message.length > 0).toBe(true);
  });
});

describe('parseKeyValues', () => {
  it('handles escaped quotes, single quotes, brackets and null', () => {
    expect(
      Object.fromEntries(parseKeyValues('a="say \\"hi\\"", b=\'x y\', c=[k=v, l=w], d=null, e="null", f=plain')!),
    ).toEqual({ a: 'say "hi"', b: 'x y', c: 'k=v, l=w', d: null, e: null, f: 'plain' });
  });
});
