import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { TOPICS } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { KafkaProducer, TopicNames } from '@meshtrail/kafka';
import { AppLogger, type ComponentHealth, type HealthIndicator } from '@meshtrail/observability';
import { cutoffFor, RETENTION_BOUNDS } from '@meshtrail/retention';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import { signerFromPem, sealNext, type CheckpointSigner, type SignedCheckpoint } from '@meshtrail/trail-proof';
import { sealingKeyPem, type AuditIngestEnv } from '../audit-ingest.env';
import { publishCheckpoints } from './publish-checkpoints';
import { WakeablePause } from '../wakeable-pause';

const meter = metrics.getMeter('meshtrail');
const sealedEvents = meter.createCounter('meshtrail.seal.events', {
  description: 'Audit events sealed into checkpoints',
});
const checkpointsMade = meter.createCounter('meshtrail.seal.checkpoints', {
  description: 'Checkpoints signed, by kind (events, purge)',
});
const sealAge = meter.createObservableGauge('meshtrail.seal.age', {
  description: 'Seconds since the sealer last completed a pass (all it could seal, sealed and published)',
  unit: 's',
});

/**
 * Seals the trail at a fixed interval: each pass signs checkpoints over what the projector has
 * passed (in steps of at most AUDIT_SEAL_MAX_EVENTS) and over retention's purge requests, then
 * publishes every checkpoint not yet on Kafka. One instance seals at a time (sealNext's lock).
 * Reports as the `sealing` health component and the meshtrail.seal.* metrics.
 */
@Injectable()
export class TrailSealer implements HealthIndicator, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'sealing';
  private readonly logger = new AppLogger('Sealing');
  private readonly signer?: CheckpointSigner;
  private running = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeablePause();
  private lastPass?: Date;
  /** When the pass in progress began; undefined between passes. */
  private passStartedAt?: number;
  /** The last pass found the sealer lock held by another instance. */
  private heldElsewhere = false;
  private lastCheckpoint?: SignedCheckpoint;
  private lastError?: { message: string; since: Date };
  private publishError?: { message: string; since: Date };
  private refusedPurges: string[] = [];

  constructor(
    private readonly database: DatabaseConnection,
    private readonly producer: KafkaProducer,
    private readonly topics: TopicNames,
    @Inject(SERVICE_CONFIG) private readonly config: AuditIngestEnv,
  ) {
    if (config.AUDIT_SEAL_PRIVATE_KEY) {
      this.signer = signerFromPem(sealingKeyPem(config.AUDIT_SEAL_PRIVATE_KEY), config.AUDIT_SEAL_KEY_ID);
    }
    sealAge.addCallback((result) => {
      if (this.lastPass) result.observe((Date.now() - this.lastPass.getTime()) / 1000);
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.AUDIT_SEAL_INTERVAL_SECONDS === 0) return;
    if (!this.signer) {
      this.logger.warn('Sealing Key Missing', { variable: 'AUDIT_SEAL_PRIVATE_KEY' });
      return;
    }
    this.logger.info('Sealing Started', {
      keyId: this.signer.keyId,
      intervalSeconds: this.config.AUDIT_SEAL_INTERVAL_SECONDS,
    });
    this.running = true;
    this.loop = this.run(this.signer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }

  private async run(signer: CheckpointSigner): Promise<void> {
    while (this.running) {
      try {
        this.passStartedAt = Date.now();
        const sealedHere = await this.pass(signer).finally(() => {
          this.passStartedAt = undefined;
        });
        if (this.lastError) this.logger.info('Sealing Resumed', { failedSince: this.lastError.since.toISOString() });
        this.lastError = undefined;
        this.heldElsewhere = !sealedHere;
        if (sealedHere) this.lastPass = new Date();
      } catch (error) {
        const message = (error as Error).message;
        if (!this.lastError) this.logger.warn('Sealing Failed', { error: message });
        this.lastError = { message, since: this.lastError?.since ?? new Date() };
      }
      if (this.running) await this.pause.wait(this.config.AUDIT_SEAL_INTERVAL_SECONDS * 1000);
    }
  }

  /** Seals until nothing sealable is left, then publishes. False when another instance held the sealer's lock. */
  private async pass(signer: CheckpointSigner): Promise<boolean> {
    for (let first = true; ; first = false) {
      const step = await this.database.withClient((client) =>
        sealNext(client, {
          signer,
          maxEvents: this.config.AUDIT_SEAL_MAX_EVENTS,
          now: () => new Date(),
          acceptPurge: ({ cutoff, requestedAt }) =>
            cutoff <= cutoffFor(requestedAt, RETENTION_BOUNDS.auditEvents.minMonths),
        }),
      );
      if (!step.ran) {
        if (first) return false;
        break;
      }
      if (step.refusedPurges.length && step.refusedPurges.join() !== this.refusedPurges.join()) {
        this.logger.warn('Purge Request Refused', { requests: step.refusedPurges });
      }
      this.refusedPurges = step.refusedPurges;
      sealedEvents.add(step.events);
      for (const checkpoint of step.sealed) checkpointsMade.add(1, { kind: checkpoint.kind });
      if (step.sealed.length) this.lastCheckpoint = step.sealed[step.sealed.length - 1];
      if (step.events < this.config.AUDIT_SEAL_MAX_EVENTS) break;
    }
    // a broker outage holds back publication, never sealing: what is sealed is published later
    try {
      await publishCheckpoints(this.database, this.producer, this.topics.topic(TOPICS.auditCheckpoints));
      this.publishError = undefined;
    } catch (error) {
      if (!this.publishError) this.logger.warn('Checkpoint Publication Failed', { error: (error as Error).message });
      this.publishError = { message: (error as Error).message, since: this.publishError?.since ?? new Date() };
    }
    return true;
  }

  async check(): Promise<ComponentHealth> {
    if (this.config.AUDIT_SEAL_INTERVAL_SECONDS === 0) return { status: 'UP', details: { sealing: 'off' } };
    if (!this.signer) {
      return {
        status: 'DOWN',
        details: { reason: 'AUDIT_SEAL_PRIVATE_KEY is not set: the trail is not being sealed' },
      };
    }
    const details: Record<string, unknown> = {
      keyId: this.signer.keyId,
      lastCheckpoint: this.lastCheckpoint?.number,
      sealedUpTo: this.lastCheckpoint?.last,
      lastPassAt: this.lastPass?.toISOString(),
      ...(this.heldElsewhere ? { sealedBy: 'another instance (it held the sealer lock on the last pass)' } : {}),
    };
    // a pass stuck in a statement (a lock wait, a half-open connection) must not pass for a healthy one
    const passSeconds = this.passStartedAt === undefined ? 0 : (Date.now() - this.passStartedAt) / 1000;
    const passLimit = Math.max(60, 2 * this.config.AUDIT_SEAL_INTERVAL_SECONDS);
    if (passSeconds > passLimit) {
      return {
        status: 'DOWN',
        details: {
          ...details,
          reason: `a sealing pass has been running for ${Math.round(passSeconds)} s (limit ${passLimit} s)`,
        },
      };
    }
    if (this.lastError) {
      return {
        status: 'DOWN',
        details: { ...details, error: this.lastError.message, failingSince: this.lastError.since.toISOString() },
      };
    }
    if (this.publishError) {
      return {
        status: 'DOWN',
        details: {
          ...details,
          reason: `checkpoints are sealed but not published to Kafka: ${this.publishError.message}`,
          failingSince: this.publishError.since.toISOString(),
        },
      };
    }
    if (this.refusedPurges.length) {
      return {
        status: 'DOWN',
        details: {
          ...details,
          reason: `purge requests ${this.refusedPurges.join(', ')} name a cutoff more recent than the audit trail's minimum retention: not sealed (events removed under them will show as missing)`,
        },
      };
    }
    return { status: 'UP', details };
  }
}
