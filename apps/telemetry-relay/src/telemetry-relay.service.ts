import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TOPICS } from '@meshtrail/contracts';
import { DeadLetterQueue } from '@meshtrail/dead-letters';
import { ConsumerHost, TopicNames } from '@meshtrail/kafka';
import { AppLogger, HealthService, readBuildInfo } from '@meshtrail/observability';
import { DeliveryLoop } from './delivery/delivery-loop';
import { readCa } from './delivery/http-post';
import { OtlpHttpSender, RemoteWriteSender, type MetricsSender } from './delivery/metrics-sender';
import { healthMetrics, heartbeatMetrics, observeService, parseHealthTargets } from './exchanges/health-check';
import type { RelayIdentity } from './exchanges/exchange-metrics';
import { problemMetrics, problemsOf } from './exchanges/problems';
import { TelemetryIntake } from './ingest/telemetry-intake';
import { SAFE_USAGE_PROPS } from './policy/label-rules';
import { describePolicy, policyFromConfig } from './policy/policy-from-config';
import { buildScrubRules } from './policy/scrubber';
import { DiskQueue } from './queue/disk-queue';
import type { TelemetryRelayEnv } from './telemetry-relay.env';
import { RelayRegistration } from './registration/relay-registration';
import { TransmissionLog } from './transmission/transmission-log';
import { SAFE_PATH_WORDS } from './usage/usage-scrubbing';
import { UsageRelay } from './usage/usage-relay';

export const RELAY_CONFIG = Symbol('RELAY_CONFIG');
const DAY_MS = 86_400_000;

/**
 * The relay's moving parts: the telemetry consumer feeding the disk queue, the delivery loop
 * draining it, the scheduled health and heartbeat exchanges, and (only when enabled) the usage
 * relay. The queue opens and the consumers are registered while the app initialises; the host
 * starts them with the app and stops them first on shutdown, before the delivery loop stops.
 */
@Injectable()
export class TelemetryRelayService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new AppLogger('TelemetryRelay');
  private readonly timers: NodeJS.Timeout[] = [];
  private delivery?: DeliveryLoop;
  private intake?: TelemetryIntake;
  private readonly startedAt = Date.now();
  private readonly identity: RelayIdentity = {
    serviceName: 'meshtrail-telemetry-relay',
    serviceVersion: readBuildInfo().package,
    instanceId: randomUUID(),
  };

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: TelemetryRelayEnv,
    private readonly host: ConsumerHost,
    private readonly topics: TopicNames,
    private readonly transmissions: TransmissionLog,
    private readonly moduleRef: ModuleRef,
    private readonly deadLetters: DeadLetterQueue,
    private readonly registration: RelayRegistration,
  ) {}

  async onModuleInit(): Promise<void> {
    const config = this.config;
    const policy = policyFromConfig(config);
    this.logger.info('Telemetry Policy', {
      ...describePolicy(policy, config),
      credentials: this.registration.credentials,
    });
    if (config.TELEMETRY_ALLOW_INSECURE)
      this.logger.warn('Telemetry Insecure Transport', {
        reason:
          'TELEMETRY_ALLOW_INSECURE=true: plain http:// accepted for the center, usage and token endpoints (tests only)',
      });
    const log = (entry: Parameters<TransmissionLog['record']>[0]) => this.transmissions.record(entry);
    await this.transmissions.ensurePartitions(new Date());
    this.every(DAY_MS, () => this.transmissions.ensurePartitions(new Date()), false);

    if (!config.TELEMETRY_ENDPOINT) {
      this.logger.warn('Telemetry Relay Idle', {
        reason: 'TELEMETRY_ENDPOINT is not set: nothing is consumed or sent',
      });
    } else {
      const queue = await DiskQueue.open(path.resolve(config.TELEMETRY_QUEUE_DIR), config.TELEMETRY_QUEUE_MAX_BYTES);
      this.logger.info('Telemetry Queue Opened', { dir: queue.dir, ...queue.size, maxBytes: queue.maxBytes });
      const sender = this.sender();
      this.intake = new TelemetryIntake(policy, queue, log, sender.destination, (letters) =>
        this.deadLetters.send(letters),
      );
      this.delivery = new DeliveryLoop(queue, sender, log, {
        batchMaxBytes: config.TELEMETRY_BATCH_MAX_BYTES,
        retry: { initialMs: config.TELEMETRY_RETRY_INITIAL_MS, maxMs: config.TELEMETRY_RETRY_MAX_MS },
        onAnswer: (category, answer, statusCode) => this.registration.answered(category, answer, statusCode),
      });
      this.delivery.start();
      const intake = this.intake;
      this.host.register({
        name: 'Telemetry',
        groupId: this.topics.group('telemetry-relay'),
        topics: [this.topics.topic(TOPICS.telemetryOtlp)],
        // small fetches keep the decoded batch (JS objects are many times the protobuf) small
        maxBytesPerPartition: 524_288,
        maxBytes: 2_097_152,
        handle: (records) => intake.acceptRecords(records),
        deadLetter: (letters) => this.deadLetters.send(letters),
      });
    }

    if (config.TELEMETRY_USAGE_ENABLED && config.TELEMETRY_USAGE_ENDPOINT) {
      const usage = new UsageRelay(
        {
          endpoint: config.TELEMETRY_USAGE_ENDPOINT,
          domain: config.TELEMETRY_USAGE_DOMAIN,
          timeoutMs: config.TELEMETRY_REQUEST_TIMEOUT_MS,
          propRules: buildScrubRules({ allow: SAFE_USAGE_PROPS, deny: config.TELEMETRY_DENY_LABELS, mode: 'drop' }),
          safePathWords: new Set(SAFE_PATH_WORDS),
        },
        log,
        (letters) => this.deadLetters.send(letters),
      );
      this.host.register({
        name: 'Usage',
        groupId: this.topics.group('telemetry-relay.usage'),
        topics: [this.topics.topic(TOPICS.usageEvents)],
        // an endpoint outside: paced as the delivery loop paces the operations center
        retry: { initialMs: config.TELEMETRY_RETRY_INITIAL_MS, maxMs: config.TELEMETRY_RETRY_MAX_MS },
        handle: (records) => usage.handle(records),
        deadLetter: (letters) => this.deadLetters.send(letters),
      });
    }
  }

  /** The scheduled exchanges, once the app (and its health) is up. */
  onApplicationBootstrap(): void {
    if (!this.intake) return;
    // register at once rather than with the first batch; a failure shows in health and is retried with each send
    void this.registration.bearer
      .bearer()
      .then(() => this.logger.info('Telemetry Relay Registered', { credentials: this.registration.credentials }))
      .catch((error: unknown) =>
        this.logger.warn('Telemetry Registration Failed', { error: (error as Error).message }),
      );
    this.every(this.config.TELEMETRY_HEARTBEAT_INTERVAL_MS, () => this.heartbeat());
    this.every(this.config.TELEMETRY_HEALTH_INTERVAL_MS, () => this.healthCheck());
  }

  /** After the host stopped the consumers (on the first shutdown hook). */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.delivery?.stop();
  }

  private sender(): MetricsSender {
    const settings = {
      endpoint: this.config.TELEMETRY_ENDPOINT!,
      bearer: this.registration.bearer,
      ca: readCa(this.config.TELEMETRY_CA_FILE),
      timeoutMs: this.config.TELEMETRY_REQUEST_TIMEOUT_MS,
    };
    return this.config.TELEMETRY_PROTOCOL === 'remote-write'
      ? new RemoteWriteSender(settings)
      : new OtlpHttpSender(settings);
  }

  /** Runs the task now (unless told otherwise) and then every intervalMs; a failing run is logged, never fatal. */
  private every(intervalMs: number, task: () => Promise<void>, now = true): void {
    const run = () =>
      void task().catch((error: unknown) =>
        this.logger.warn('Scheduled Task Failed', { error: (error as Error).message }),
      );
    if (now) run();
    const timer = setInterval(run, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  private async heartbeat(): Promise<void> {
    await this.intake?.accept([heartbeatMetrics(this.identity, this.startedAt, Date.now())]);
  }

  private async healthCheck(): Promise<void> {
    const timeoutMs = this.config.HEALTH_TIMEOUT_MS;
    const fetchJson = async (url: string) => {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const targets = parseHealthTargets(this.config.TELEMETRY_HEALTH_TARGETS);
    const observations = await Promise.all(targets.map((target) => observeService(target, fetchJson)));
    const own = await this.moduleRef.get(HealthService, { strict: false }).health();
    const at = Date.now();
    const problems = problemsOf([...observations, { service: 'telemetry-relay', health: own }], at);
    const problemRequest = problemMetrics(this.identity, problems, at);
    await this.intake?.accept([
      healthMetrics(this.identity, observations, own, at),
      ...(problemRequest ? [problemRequest] : []),
    ]);
    this.logger.info('Health Check Sent', {
      services: observations.length + 1,
      down: observations.filter((o) => o.health?.status !== 'UP').map((o) => o.service),
      problems: problems.map((problem) => `${problem.service}/${problem.component}: ${problem.type}`),
    });
  }
}
