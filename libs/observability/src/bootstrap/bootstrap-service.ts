import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppLogger } from '../logging/app-logger';
import { logLevelFromName } from '../logging/log-level';
import { createNestLogger } from '../logging/nest-logger';
import { configureLogging } from '../logging/root-logger';
import { currentTelemetry } from '../telemetry/telemetry';
import { HealthService } from '../health/health.service';
import { mountGlobalMiddleware } from './global-middleware';

export interface ServiceBootstrapOptions {
  service: string;
  /** The service's root module, already given its configuration. */
  module: unknown;
  config: { PORT: number; HOST: string; LOG_LEVEL: string; LOG_FORMAT: 'json' | 'text'; SHUTDOWN_TIMEOUT_MS: number };
  /** Called before the HTTP server listens: routes that need the app (API docs) are added here. */
  beforeListen?: (app: INestApplication) => Promise<void> | void;
  /** Called once the HTTP server listens: start consuming here, never earlier. */
  afterListen?: (app: INestApplication) => Promise<void>;
}

/**
 * Creates, starts and stops a service the same way everywhere: structured logs, HTTP on the
 * configured port, and a graceful shutdown on SIGTERM/SIGINT (readiness goes OUT_OF_SERVICE,
 * consumers stop and commit, connections close, telemetry flushes) bounded by a timeout.
 */
export async function bootstrapService(options: ServiceBootstrapOptions): Promise<INestApplication> {
  configureLogging({
    service: options.service,
    level: logLevelFromName(options.config.LOG_LEVEL),
    format: options.config.LOG_FORMAT,
  });
  const logger = new AppLogger('Bootstrap');
  const app = await NestFactory.create(options.module as never, { logger: createNestLogger(), bodyParser: true });
  app.getHttpAdapter().getInstance().disable?.('x-powered-by');
  // before listen(): Nest adds its body parsers and routes on init, so these run ahead of them
  mountGlobalMiddleware(app);
  if (options.beforeListen) await options.beforeListen(app);
  await app.listen(options.config.PORT, options.config.HOST);
  const address = app.getHttpServer().address() as { port: number } | null;
  const port = address?.port ?? options.config.PORT;
  if (options.afterListen) await options.afterListen(app);
  logger.info('Service Started', { port, url: `http://127.0.0.1:${port}` });

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('Service Stopping', { signal });
    const force = setTimeout(() => {
      logger.error('Shutdown Timed Out', { timeoutMs: options.config.SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, options.config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    try {
      app.get(HealthService, { strict: false }).markShuttingDown();
    } catch {
      // a service without the health module has no readiness to flip
    }
    try {
      await app.close();
      await currentTelemetry()?.shutdown();
      logger.info('Service Stopped', { signal });
      process.exit(0);
    } catch (error) {
      logger.error('Shutdown Failed', { error: error as Error });
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return app;
}

/** For main.ts: a failure to start is logged as one structured line and exits non-zero. */
export function runService(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    new AppLogger('Bootstrap').fatal('Service Failed To Start', { error: error as Error });
    process.exit(1);
  });
}
