import { ConfigError, loadConfig } from '@meshtrail/config';
import { GatewayEnv } from './gateway.env';
import { authOptionsFrom } from './auth/auth-options';
import { expectRecordedSettings } from '../../../test/support/recorded-settings';

function problems(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig('gateway', GatewayEnv, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return Object.fromEntries(error.problems.map((p) => [p.variable, p.problems.join('; ')]));
    }
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('GatewayEnv', () => {
  it('starts without an issuer (API keys only) on its defaults', () => {
    const config = loadConfig('gateway', GatewayEnv, {});
    expect(config).toMatchObject({ PORT: 8080, AUTH_OIDC_AUDIENCE: ['meshtrail'], API_RATE_LIMIT_PER_MINUTE: 600 });
    expect(authOptionsFrom(config).oidc).toBeUndefined();
  });

  it('maps an issuer, audiences and claim settings into the auth options', () => {
    const config = loadConfig('gateway', GatewayEnv, {
      AUTH_OIDC_ISSUER: 'https://keycloak.example.com/realms/platform',
      AUTH_OIDC_AUDIENCE: 'meshtrail, account',
      AUTH_ROLE_CLAIMS: 'groups',
      AUTH_WORKSPACE_ROLE_PATTERN: '^/workspaces/(?<workspace>[^/]+)/(?<role>owners|managers)$',
    });
    const options = authOptionsFrom(config);
    expect(options.oidc).toMatchObject({
      issuer: 'https://keycloak.example.com/realms/platform',
      audiences: ['meshtrail', 'account'],
    });
    expect(options.claims.roleClaims).toEqual(['groups']);
    expect(options.claims.workspaceRolePattern.exec('/workspaces/ws-1/managers')?.groups).toEqual({
      workspace: 'ws-1',
      role: 'managers',
    });
  });

  it('refuses symmetric algorithms, patterns without a workspace group, short cursor secrets and more, all at once', () => {
    const found = problems({
      AUTH_OIDC_ISSUER: 'not a url',
      AUTH_OIDC_ALGORITHMS: 'RS256,HS256',
      AUTH_WORKSPACE_ROLE_PATTERN: '^workspace:([^:]+)$',
      QUERY_CURSOR_SECRET: 'short',
      QUERY_DEFAULT_LIMIT: '5000',
      API_RATE_LIMIT_BURST: '0',
    });
    expect(Object.keys(found).sort()).toEqual([
      'API_RATE_LIMIT_BURST',
      'AUTH_OIDC_ALGORITHMS',
      'AUTH_OIDC_ISSUER',
      'AUTH_WORKSPACE_ROLE_PATTERN',
      'QUERY_CURSOR_SECRET',
      'QUERY_DEFAULT_LIMIT',
    ]);
    expect(found.AUTH_OIDC_ALGORITHMS).toContain('each must be one of RS256');
    expect(found.AUTH_WORKSPACE_ROLE_PATTERN).toContain('(?<workspace>');
  });

  it('refuses a pattern that does not compile', () => {
    expect(problems({ AUTH_WORKSPACE_ROLE_PATTERN: '(?<workspace>[' })).toHaveProperty('AUTH_WORKSPACE_ROLE_PATTERN');
  });
});

describe('GatewayEnv: the Event Logs page', () => {
  it('signs in as the public client meshtrail-ui with openid profile by default', () => {
    expect(loadConfig('gateway', GatewayEnv, {})).toMatchObject({
      UI_OIDC_CLIENT_ID: 'meshtrail-ui',
      UI_OIDC_SCOPE: 'openid profile',
    });
  });

  it('refuses a client id or scope list with spaces where they do not belong', () => {
    expect(problems({ UI_OIDC_CLIENT_ID: 'meshtrail ui', UI_OIDC_SCOPE: 'openid  profile' })).toEqual({
      UI_OIDC_CLIENT_ID: 'must be 1 to 255 printable characters without spaces',
      UI_OIDC_SCOPE: 'must be scope names separated by single spaces',
    });
  });
});

describe("GatewayEnv.recordedSettings (the settings audit's allow-list)", () => {
  it('lists only variables of the class, never a secret', () => {
    expectRecordedSettings(GatewayEnv, {
      present: ['API_KEY_MAX_DAYS', 'ACCESS_LOG_ENABLED', 'AUTH_ADMIN_ROLE'],
      secrets: ['QUERY_CURSOR_SECRET'],
    });
  });
});
