import { LocalOidcIssuer } from './oidc-issuer';
import { ServiceProcess } from './service-process';
import { createTestStack, type TestStack } from './test-stack';

/**
 * A suite's trail as people use it: its own stack slice, a local OIDC issuer, audit-ingest and
 * the gateway, and tokens for a platform admin (u-admin) and the owner (u-owner) of one workspace.
 */
export interface TrailServices {
  stack: TestStack;
  idp: LocalOidcIssuer;
  ingest: ServiceProcess;
  gateway: ServiceProcess;
  tokens: { admin: string; owner: string };
  stop(): Promise<void>;
}

export async function startTrailServices(
  name: string,
  { ownedWorkspace, gatewayEnv = {} }: { ownedWorkspace: string; gatewayEnv?: Record<string, string> },
): Promise<TrailServices> {
  const stack = await createTestStack(name);
  const idp = await LocalOidcIssuer.start('meshtrail');
  const [ingest, gateway] = await Promise.all([
    ServiceProcess.start('audit-ingest', stack.env),
    ServiceProcess.start('gateway', { ...stack.env, ...idp.env(), AUTH_JWKS_COOLDOWN_MS: '0', ...gatewayEnv }),
  ]);
  const tokens = {
    admin: await idp.sign(
      { sub: 'u-admin', preferred_username: 'olivia', realm_access: { roles: ['meshtrail-admin'] } },
      { expiresIn: 900 },
    ),
    owner: await idp.sign(
      {
        sub: 'u-owner',
        preferred_username: 'oscar',
        resource_access: { meshtrail: { roles: [`workspace:${ownedWorkspace}:owner`] } },
      },
      { expiresIn: 900 },
    ),
  };
  return {
    stack,
    idp,
    ingest,
    gateway,
    tokens,
    stop: async () => {
      await gateway.stop();
      await ingest.stop();
      await idp.stop();
      await stack.teardown();
    },
  };
}
