import { Inject, Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { AppLogger, type ComponentHealth, type HealthIndicator } from '@meshtrail/observability';
import type { CenterAnswer } from '../delivery/center-answer';
import { readCa } from '../delivery/http-post';
import { installationIdOf, type TelemetryRelayEnv } from '../telemetry-relay.env';
import { ClientCredentialsTokens, NO_BEARER, staticBearer, type BearerSource } from './bearer-source';

export const RELAY_ENV = Symbol('RELAY_ENV');

const registeredGauge = metrics.getMeter('meshtrail').createObservableGauge('meshtrail.telemetry.relay.registered', {
  description: '1 once a token exchange with the operations center succeeded (or no exchange is needed), 0 before',
});

/**
 * How the relay stands with the operations center: its credentials (client credentials, a
 * static token, or none), whether it is registered (a first token exchange succeeded), and what
 * the center last answered to a health check. The `registration` health component shows it; it
 * does not count for readiness (an identity provider outage must not stop a rollout).
 */
@Injectable()
export class RelayRegistration implements HealthIndicator {
  readonly name = 'registration';
  readonly readiness = false;
  readonly bearer: BearerSource;
  private readonly tokens?: ClientCredentialsTokens;
  private readonly installationId: string;
  private readonly logger = new AppLogger('Registration');
  private lastAnswer?: CenterAnswer & { at: string; statusCode?: number };

  constructor(@Inject(RELAY_ENV) private readonly config: TelemetryRelayEnv) {
    this.installationId = installationIdOf(config);
    if (config.TELEMETRY_OAUTH_CLIENT_ID && config.TELEMETRY_OAUTH_URL && config.TELEMETRY_OAUTH_CLIENT_SECRET) {
      this.tokens = new ClientCredentialsTokens({
        tokenUrl: config.TELEMETRY_OAUTH_URL,
        clientId: config.TELEMETRY_OAUTH_CLIENT_ID,
        clientSecret: config.TELEMETRY_OAUTH_CLIENT_SECRET,
        scope: config.TELEMETRY_OAUTH_SCOPE,
        timeoutMs: config.TELEMETRY_REQUEST_TIMEOUT_MS,
        ca: readCa(config.TELEMETRY_CA_FILE),
      });
      this.bearer = this.tokens;
    } else this.bearer = config.TELEMETRY_TOKEN ? staticBearer(config.TELEMETRY_TOKEN) : NO_BEARER;
    registeredGauge.addCallback((result) => result.observe(!this.tokens || this.tokens.state.registered ? 1 : 0));
  }

  get credentials(): 'client credentials' | 'static token' | 'none' {
    return this.tokens ? 'client credentials' : this.config.TELEMETRY_TOKEN ? 'static token' : 'none';
  }

  /** The center's answer to a health check: logged, and kept for the health component. */
  answered(category: string, answer: CenterAnswer, statusCode: number | undefined): void {
    if (category !== 'health') return;
    this.lastAnswer = { at: new Date().toISOString(), statusCode, ...answer };
    this.logger.info('Operations Center Answered', { statusCode, ...answer });
  }

  check(): Promise<ComponentHealth> {
    const details: Record<string, unknown> = { installation: this.installationId, credentials: this.credentials };
    if (this.lastAnswer) details.operationsCenter = this.lastAnswer;
    if (!this.tokens) return Promise.resolve({ status: 'UP', details });
    const state = this.tokens.state;
    Object.assign(details, {
      registered: state.registered,
      exchanges: state.exchanges,
      ...(state.lastExchangeAt ? { lastExchangeAt: state.lastExchangeAt, tokenExpiresAt: state.tokenExpiresAt } : {}),
      ...(state.lastError ? { lastError: state.lastError } : {}),
    });
    if (!state.registered)
      details.problem = {
        type: 'relay_not_registered',
        severity: 'critical',
        since: new Date().toISOString(),
        description: 'no token exchange with the operations center has succeeded yet',
      };
    return Promise.resolve({ status: state.registered ? 'UP' : 'DOWN', details });
  }
}
