import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@meshtrail/config';
import { GatewayEnv } from '../../apps/gateway/src/gateway.env';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';

/**
 * The whole gateway in this process (its guards, pipes and error filter included), listening on a
 * free port, with its rate and concurrency limits out of the way of a test that sends many requests.
 */
export async function startGatewayUnderTest(
  env: Record<string, string | undefined>,
): Promise<{ app: INestApplication; base: string }> {
  const config = loadConfig('gateway', GatewayEnv, {
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    API_RATE_LIMIT_BURST: '1000000',
    API_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '1000000',
    API_RATE_LIMIT_PER_ADDRESS_BURST: '1000000',
    EXPORT_CONCURRENCY_PER_PRINCIPAL: '100',
    EXPORT_CONCURRENCY: '100',
    TEXT_SEARCH_CONCURRENCY_PER_PRINCIPAL: '100',
    ...env,
  });
  const module = await Test.createTestingModule({ imports: [GatewayModule.register(config)] }).compile();
  const app = module.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}/api/v1` };
}
