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
  /** The gateway's environment, for a suite that restarts it with other settings. */
  gatewayEnv: Record<string, string>;
  tokens: { admin: string; owner: string };
  stop(): Promise<void>;
}

export async function startTrailServices(
  name: string,
  { ownedWorkspace, gatewayEnv = {} }: { ownedWorkspace: string; gatewayEnv?: Record<string, string> },
): Promise<TrailServices> {
  const stack = await createTestStack(name);
  const idp = await LocalOidcIssuer.start('meshtrail');
  const gatewayEnvironment = { ...stack.env, ...idp.env(), AUTH_JWKS_COOLDOWN_MS: '0', ...gatewayEnv };
  const [ingest, gateway] = await Promise.all([
    ServiceProcess.start('audit-ingest', stack.env),
    ServiceProcess.start('gateway', gatewayEnvironment),
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
  const services: TrailServices = {
    stack,
    idp,
    ingest,
    gateway,
    gatewayEnv: gatewayEnvironment,
    tokens,
    // the services of the moment: a suite may have restarted one
    stop: async () => {
      await services.gateway.stop();
      await services.ingest.stop();
      await idp.stop();
      await stack.teardown();
    },
  };
  return services;
}
