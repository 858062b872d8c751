import { DatabaseConnection } from '@meshtrail/database';
import { grantWorkspaceRole, revokeWorkspaceRole } from '../../../test/support/audit-events';
import { LocalOidcIssuer } from '../../../test/support/oidc-issuer';
import { createTestStack, type TestStack } from '../../../test/support/test-stack';
import { ApiError } from './api-error';
import { ApiKeyStore } from './api-keys/api-key.store';
import { Authenticator } from './authenticator';
import { MembershipReader } from './memberships/membership.reader';
import { OidcKeySource } from './oidc/oidc-key-source';
import { ASYMMETRIC_ALGORITHMS, type OidcSettings } from './oidc/oidc-settings';
import { TokenVerifier } from './oidc/token-verifier';

describe('Authenticator (real RS256 tokens from a local issuer, real PostgreSQL)', () => {
  let stack: TestStack;
  let idp: LocalOidcIssuer;
  let auth: Authenticator;
  let keys: ApiKeyStore;
  let db: DatabaseConnection;

  beforeAll(async () => {
    stack = await createTestStack('authn');
    idp = await LocalOidcIssuer.start('meshtrail');
    db = new DatabaseConnection({ url: stack.databaseUrl, poolMax: 2, applicationName: 'authn-test' });
    const settings: OidcSettings = {
      issuer: idp.issuer,
      audiences: ['meshtrail'],
      algorithms: ASYMMETRIC_ALGORITHMS,
      clockToleranceSec: 5,
      jwksCooldownMs: 0,
      jwksCacheMaxAgeMs: 600_000,
      httpTimeoutMs: 2000,
    };
    keys = new ApiKeyStore(db);
    auth = new Authenticator(
      {
        oidc: settings,
        claims: {
          roleClaims: ['realm_access.roles', 'groups'],
          adminRole: 'meshtrail-admin',
          workspaceRolePattern: /^\/workspaces\/(?<workspace>[^/]+)\/(?<role>[^/]+)$/,
          nameClaims: ['preferred_username', 'email'],
        },
        userIdClaim: 'sub',
      },
      keys,
      new MembershipReader(db),
      new TokenVerifier(settings, new OidcKeySource(settings)),
    );
  });
  afterAll(async () => {
    await idp.stop();
    await db.close();
    await stack.teardown();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function status(headers: Record<string, string>): Promise<{ status: number; code: string }> {
    const error = await auth.authenticate(headers).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ApiError)) throw new Error('expected an ApiError');
    return { status: error.getStatus(), code: (error.getResponse() as { code: string }).code };
  }

  it('makes an admin of the admin role, named by the configured claim', async () => {
    const token = await idp.sign({
      sub: 'u-root',
      preferred_username: 'root',
      realm_access: { roles: ['meshtrail-admin'] },
    });
    expect(await auth.authenticate(bearer(token))).toEqual({
      kind: 'user',
      id: 'u-root',
      name: 'root',
      admin: true,
      workspaces: [],
      manageKeys: true,
    });
  });

  it('takes workspace roles from claims and from the membership projection', async () => {
    await grantWorkspaceRole(db, 'ws-proj', 'u-mia', 'Workspace Manager');
    await grantWorkspaceRole(db, 'ws-member-only', 'u-mia', 'Workspace Member');
    const token = await idp.sign({
      sub: 'u-mia',
      email: 'mia@example.com',
      groups: ['/workspaces/ws-claim/owners', '/other'],
    });
    expect(await auth.authenticate(bearer(token))).toEqual({
      kind: 'user',
      id: 'u-mia',
      name: 'mia@example.com',
      admin: false,
      workspaces: ['ws-claim', 'ws-proj'],
      manageKeys: false,
    });
  });

  it('drops a revoked membership at once, even while the token still claims it', async () => {
    const issued = await idp.sign({ sub: 'u-leo', groups: ['/workspaces/ws-1/managers'] }, { issuedAt: -60 });
    await grantWorkspaceRole(db, 'ws-2', 'u-leo', 'Workspace Owner');
    expect((await auth.authenticate(bearer(issued))).workspaces).toEqual(['ws-1', 'ws-2']);
    await revokeWorkspaceRole(db, 'ws-1', 'u-leo', 'Workspace Manager');
    await revokeWorkspaceRole(db, 'ws-2', 'u-leo', 'Workspace Owner');
    expect((await auth.authenticate(bearer(issued))).workspaces).toEqual([]);
    // a token issued after the revocation carries the IdP's newer word: a re-grant counts
    const fresh = await idp.sign({ sub: 'u-leo', groups: ['/workspaces/ws-1/managers'] }, { issuedAt: 5 });
    expect((await auth.authenticate(bearer(fresh))).workspaces).toEqual(['ws-1']);
  });

  it('drops a revoked membership as soon as the revocation is stored, before the projector has passed it', async () => {
    const issued = await idp.sign({ sub: 'u-ada', groups: ['/workspaces/ws-7/managers'] }, { issuedAt: -60 });
    expect((await auth.authenticate(bearer(issued))).workspaces).toEqual(['ws-7']);
    // stored as audit-ingest stores it, and not projected: the read model and the projection know nothing yet
    await db.query(
      `INSERT INTO audit_events (seq, id, occurred_at, source, type, object_type, object_id, action, workspace,
         actor_kind, actor_id, change, changes, event, hash, kafka_topic, kafka_partition, kafka_offset)
       VALUES (nextval('audit_events_seq'), 'revoke-ada', now(), 'test', 'meshstack.workspaceaccess.revoked',
         'WorkspaceAccess', 'u-ada', 'revoked', 'ws-7', 'user', 'admin', 'removed u-ada as Workspace Manager',
         '[{"field": "role", "from": "Workspace Manager"}]', '{}', 'h', 'audit.events.v1', 0, 0)`,
    );
    expect((await auth.authenticate(bearer(issued))).workspaces).toEqual([]);
  });

  it('authenticates API keys with their scope and expiry, and refuses revoked and expired ones', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const created = await keys.create('siem', { admin: false, workspaces: ['ws-9'] }, 'root', expiresAt);
    expect(await auth.authenticate({ 'x-api-key': created.key })).toEqual({
      kind: 'apiKey',
      id: created.id,
      name: 'siem',
      admin: false,
      workspaces: ['ws-9'],
      manageKeys: false,
      expiresAt,
    });
    await keys.revoke(created.id, 'root');
    expect(await status({ 'x-api-key': created.key })).toEqual({ status: 401, code: 'AUTH.INVALID_API_KEY' });
    const expiring = await keys.create('short', { admin: true, workspaces: [] }, 'root', expiresAt);
    await db.query(
      `UPDATE api_keys SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = $1`,
      [expiring.id],
    );
    expect(await status({ 'x-api-key': expiring.key })).toEqual({ status: 401, code: 'AUTH.INVALID_API_KEY' });
  });

  it('answers 401 for missing, malformed, forged and expired credentials', async () => {
    expect(await status({})).toEqual({ status: 401, code: 'AUTH.MISSING_CREDENTIALS' });
    expect(await status({ authorization: 'Basic eDp5' })).toEqual({ status: 401, code: 'AUTH.INVALID_CREDENTIALS' });
    expect(await status(bearer(idp.unsigned({ sub: 'x', realm_access: { roles: ['meshtrail-admin'] } })))).toEqual({
      status: 401,
      code: 'AUTH.INVALID_TOKEN',
    });
    expect(await status(bearer(await idp.hs256WithPublicKey({ sub: 'x' })))).toEqual({
      status: 401,
      code: 'AUTH.INVALID_TOKEN',
    });
    expect(await status(bearer(await idp.sign({ sub: 'x' }, { expiresIn: -600 })))).toEqual({
      status: 401,
      code: 'AUTH.INVALID_TOKEN',
    });
    expect(await status(bearer(await idp.sign({ sub: 'x' }, { audience: 'account' })))).toEqual({
      status: 401,
      code: 'AUTH.INVALID_TOKEN',
    });
  });
});
