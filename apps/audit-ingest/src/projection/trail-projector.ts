import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { projectTrail, readPosition, type TrailPosition } from '@meshtrail/audit-store';
import { DatabaseConnection } from '@meshtrail/database';
import { AppLogger, type ComponentHealth, type HealthIndicator } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import type { AuditIngestEnv } from '../audit-ingest.env';
import { ObjectCountsGauge } from './object-counts.gauge';
import { WakeablePause } from '../wakeable-pause';

/** Counting the events behind stops here: a deep backlog is reported as at least this many. */
const LAG_COUNT_LIMIT = 100_000;

const meter = metrics.getMeter('meshtrail');
const projectedEvents = meter.createCounter('meshtrail.projection.events', {
  description: 'Events copied into the read model and folded into the projections',
});
const lagGauge = meter.createObservableGauge('meshtrail.projection.lag', {
  description: 'Age of the oldest stored event the read model does not hold yet (0 when it holds them all)',
  unit: 's',
});

/** What holds the projection back, as the last lag check saw it. */
interface Lag {
  seconds: number;
  /** Committed events not projected yet, counted up to LAG_COUNT_LIMIT. */
  behind: number;
  /** The oldest transaction in flight in the cluster, when one older than the lag holds the reader back. */
  oldestTransaction?: { pid: number; database: string | null; application: string | null; runningSeconds: number };
}

/**
 * Keeps the read model (audit_event_search) and the projections up with the trail: projects what
 * writers committed, in commit order, as soon as it is committed (a step as long as there is a
 * full batch, a short pause otherwise, which a commit by this process's writers ends; commits
 * elsewhere wait for it). Several instances share the work safely: one projects
 * at a time (projectTrail's lock). Reports, as the `projection` health component and the
 * meshtrail.projection.lag gauge, how far the read model is behind and what holds it back.
 */
@Injectable()
export class TrailProjector implements HealthIndicator, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'projection';
  private readonly logger = new AppLogger('Projection');
  private running = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeablePause();
  private lastError?: { message: string; at: Date; since: Date };
  private lag?: Lag;
  private lastLagCheck = 0;
  /** When the step in progress began; undefined between steps. */
  private stepStartedAt?: number;
  /** A writer of this process committed events since the current step began. */
  private committedSinceStep = false;

  constructor(
    private readonly database: DatabaseConnection,
    private readonly objectCounts: ObjectCountsGauge,
    @Inject(SERVICE_CONFIG) private readonly config: AuditIngestEnv,
  ) {
    lagGauge.addCallback((result) => {
      if (this.lag) result.observe(this.lag.seconds);
    });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }

  /**
   * A writer of this process committed events: the projector steps at once instead of after its
   * idle pause (one the step in progress may not have seen is projected by the next). Not while it
   * is failing: then it keeps its pause between attempts.
   */
  trailCommitted(): void {
    this.committedSinceStep = true;
    if (!this.lastError) this.pause.wake();
  }

  private async run(): Promise<void> {
    const batch = this.config.AUDIT_PROJECTION_BATCH;
    while (this.running) {
      let full = false;
      let ran = false;
      try {
        this.committedSinceStep = false;
        this.stepStartedAt = Date.now();
        const step = await this.database
          .withClient((client) => projectTrail(client, batch))
          .finally(() => {
            this.stepStartedAt = undefined;
          });
        full = step.projected === batch;
        ran = step.ran;
        if (step.projected > 0) {
          projectedEvents.add(step.projected);
          this.objectCounts.update(step.objectCounts);
        }
        if (this.lastError) this.logger.info('Projection Resumed', { failedSince: this.lastError.since.toISOString() });
        this.lastError = undefined;
        // measured during a backlog too: a lag last seen as zero must not stand while the projector falls behind
        if (Date.now() - this.lastLagCheck >= this.config.AUDIT_PROJECTION_LAG_CHECK_MS) {
          this.lastLagCheck = Date.now();
          this.lag = await this.measureLag(step.position);
        }
      } catch (error) {
        const message = (error as Error).message;
        if (!this.lastError) this.logger.warn('Projection Failed', { error: message });
        this.lastError = { message, at: new Date(), since: this.lastError?.since ?? new Date() };
      }
      // not after a step another replica's lock skipped: every commit would cost an empty step
      const more = full || (this.committedSinceStep && ran && !this.lastError);
      if (!more && this.running) await this.pause.wait(this.lastError ? 1000 : this.config.AUDIT_PROJECTION_IDLE_MS);
    }
  }

  /** How old the oldest unprojected committed event is, and, when that is not zero, who holds the reader back. */
  private async measureLag(position: TrailPosition): Promise<Lag> {
    const [row] = await this.database.query<{ behind: string; oldest_s: number | null }>(
      `SELECT count(*)::text AS behind, extract(epoch FROM now() - min(ingested_at))::float8 AS oldest_s
       FROM (SELECT ingested_at FROM audit_events WHERE (xact_id, seq) > ($1::xid8, $2::bigint) LIMIT $3) behind`,
      [position.xactId, position.seq, LAG_COUNT_LIMIT],
    );
    const lag: Lag = { seconds: row.oldest_s ?? 0, behind: Number(row.behind) };
    if (lag.behind > 0) {
      const [oldest] = await this.database.query<{
        pid: number;
        datname: string | null;
        application_name: string | null;
        running_s: number;
      }>(
        `SELECT pid, datname, application_name, extract(epoch FROM now() - xact_start)::float8 AS running_s
         FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY age(backend_xid) DESC LIMIT 1`,
      );
      if (oldest && oldest.running_s > lag.seconds) {
        lag.oldestTransaction = {
          pid: oldest.pid,
          database: oldest.datname,
          application: oldest.application_name,
          runningSeconds: Math.round(oldest.running_s),
        };
      }
    }
    return lag;
  }

  async check(): Promise<ComponentHealth> {
    const position = this.lag ? undefined : await this.database.withClient(readPosition).catch(() => undefined);
    const details: Record<string, unknown> = {
      lagSeconds: this.lag ? Number(this.lag.seconds.toFixed(3)) : undefined,
      eventsBehind: this.lag?.behind,
      ...(position ? { position } : {}),
    };
    if (this.lastError) {
      return {
        status: 'DOWN',
        details: { ...details, error: this.lastError.message, failingSince: this.lastError.since.toISOString() },
      };
    }
    const limit = this.config.AUDIT_PROJECTION_LAG_DOWN_SECONDS;
    // a step stuck in a statement (waiting on a lock, a connection gone half-open) leaves the last lag standing
    const stepSeconds = this.stepStartedAt === undefined ? 0 : (Date.now() - this.stepStartedAt) / 1000;
    if (stepSeconds > limit) {
      return {
        status: 'DOWN',
        details: {
          ...details,
          reason: `a projection step has been running for ${Math.round(stepSeconds)} s (limit ${limit} s): a statement is waiting on a lock or a lost connection`,
        },
      };
    }
    if (this.lag && this.lag.seconds > limit) {
      const holder = this.lag.oldestTransaction;
      return {
        status: 'DOWN',
        details: {
          ...details,
          reason: holder
            ? `the read model is ${Math.round(this.lag.seconds)} s behind (limit ${limit} s): a transaction open for ${holder.runningSeconds} s (pid ${holder.pid}, database ${holder.database ?? '?'}, application ${holder.application || '?'}) holds back what readers may see`
            : `the read model is ${Math.round(this.lag.seconds)} s behind (limit ${limit} s): the projector cannot keep up`,
        },
      };
    }
    return { status: 'UP', details };
  }
}
