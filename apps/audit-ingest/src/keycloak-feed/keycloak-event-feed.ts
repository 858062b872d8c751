import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { TOPICS } from '@meshtrail/contracts';
import { DatabaseConnection, type SqlSession } from '@meshtrail/database';
import { KafkaProducer, TopicNames } from '@meshtrail/kafka';
import { AppLogger, type ComponentHealth, type HealthIndicator } from '@meshtrail/observability';
import { SERVICE_CONFIG } from '@meshtrail/runtime';
import type { AuditIngestEnv } from '../audit-ingest.env';
import { WakeablePause } from '../wakeable-pause';
import { advanceWatermark, firstRequest, nextRequest, pageProblem, type PageRequest } from './feed-paging';
import { KeycloakAdminClient, type FeedKind } from './keycloak-admin.client';
import { feedRecord } from './keycloak-feed-record';
import { readWatermark, recordPublished, unseenIds } from './keycloak-feed.store';

/** One instance reads Keycloak at a time (session advisory lock, held for a poll). */
export const KEYCLOAK_FEED_LOCK = 7_281_930_020;
const KINDS: FeedKind[] = ['login', 'admin'];
const REQUEST_TIMEOUT_MS = 10_000;

const meter = metrics.getMeter('meshtrail');
const feedEvents = meter.createCounter('meshtrail.keycloak_feed.events', {
  description: 'Keycloak events the feed published to keycloak.events.raw.v1, by realm and kind',
});
const feedFailures = meter.createCounter('meshtrail.keycloak_feed.failures', {
  description: 'Polls of Keycloak that failed (Keycloak, the database or the broker unreachable or refusing)',
});
const feedAge = meter.createObservableGauge('meshtrail.keycloak_feed.age', {
  description: 'Seconds since the feed last completed a poll of every realm',
  unit: 's',
});

/**
 * Keycloak's stored user and admin events into keycloak.events.raw.v1, through Keycloak's admin
 * REST API: every KEYCLOAK_FEED_INTERVAL_MS it reads each realm's events from its position (less
 * the overlap) oldest first, publishes the ones it has not published, then records them and its
 * new position in PostgreSQL. At least once on the topic, once in auth_events (unique on
 * Keycloak's event id): a restart, a crash between publishing and recording, or a second
 * instance waiting on the lock loses nothing and stores nothing twice.
 */
@Injectable()
export class KeycloakEventFeed implements HealthIndicator, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'keycloakFeed';
  private readonly logger = new AppLogger('KeycloakFeed');
  private readonly client?: KeycloakAdminClient;
  private running = false;
  private loop?: Promise<void>;
  private readonly pause = new WakeablePause();
  private lastPoll?: Date;
  private heldElsewhere = false;
  private published = 0;
  private lastError?: { message: string; since: Date };

  constructor(
    private readonly database: DatabaseConnection,
    private readonly producer: KafkaProducer,
    private readonly topics: TopicNames,
    @Inject(SERVICE_CONFIG) private readonly config: AuditIngestEnv,
  ) {
    if (config.KEYCLOAK_FEED_URL && config.KEYCLOAK_FEED_CLIENT_SECRET) {
      this.client = new KeycloakAdminClient({
        baseUrl: config.KEYCLOAK_FEED_URL,
        clientRealm: config.KEYCLOAK_FEED_CLIENT_REALM ?? config.KEYCLOAK_FEED_REALMS[0],
        clientId: config.KEYCLOAK_FEED_CLIENT_ID,
        clientSecret: config.KEYCLOAK_FEED_CLIENT_SECRET,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    }
    feedAge.addCallback((result) => {
      if (this.lastPoll) result.observe((Date.now() - this.lastPoll.getTime()) / 1000);
    });
  }

  onApplicationBootstrap(): void {
    if (!this.client) return;
    this.logger.info('Keycloak Feed Started', {
      url: this.config.KEYCLOAK_FEED_URL,
      realms: this.config.KEYCLOAK_FEED_REALMS,
      intervalMs: this.config.KEYCLOAK_FEED_INTERVAL_MS,
    });
    this.running = true;
    this.loop = this.run(this.client);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.pause.wake();
    await this.loop;
  }

  private async run(client: KeycloakAdminClient): Promise<void> {
    while (this.running) {
      try {
        const polledHere = await this.database.withClient((session) => this.poll(session, client));
        if (this.lastError)
          this.logger.info('Keycloak Feed Resumed', { failedSince: this.lastError.since.toISOString() });
        this.lastError = undefined;
        this.heldElsewhere = !polledHere;
        if (polledHere) this.lastPoll = new Date();
      } catch (error) {
        feedFailures.add(1);
        const message = (error as Error).message;
        if (!this.lastError) this.logger.warn('Keycloak Feed Failed', { error: message });
        this.lastError = { message, since: this.lastError?.since ?? new Date() };
      }
      if (this.running) await this.pause.wait(this.config.KEYCLOAK_FEED_INTERVAL_MS);
    }
  }

  /** Every realm and kind, up to now. False when another instance holds the feed's lock. */
  private async poll(session: SqlSession, client: KeycloakAdminClient): Promise<boolean> {
    const { rows } = await session.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      KEYCLOAK_FEED_LOCK,
    ]);
    if (!rows[0].locked) return false;
    try {
      for (const realm of this.config.KEYCLOAK_FEED_REALMS) {
        for (const kind of KINDS) await this.pollKind(session, client, realm, kind);
      }
      return true;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [KEYCLOAK_FEED_LOCK]);
    }
  }

  private async pollKind(session: SqlSession, client: KeycloakAdminClient, realm: string, kind: FeedKind) {
    const overlapMs = this.config.KEYCLOAK_FEED_OVERLAP_SECONDS * 1000;
    const pageSize = this.config.KEYCLOAK_FEED_PAGE_SIZE;
    const topic = this.topics.topic(TOPICS.keycloakEventsRaw);
    let watermark = (await readWatermark(session, realm, kind)) ?? 0;
    let request: PageRequest | undefined = firstRequest(watermark, overlapMs, pageSize);
    while (request && this.running) {
      const page = await client.events(realm, kind, request);
      const problem = pageProblem(request, page);
      if (problem) throw new Error(`realm ${realm}, ${kind} events: ${problem}`);
      const fresh = await unseenIds(
        session,
        realm,
        kind,
        page.map((event) => event.id),
      );
      const toPublish = page.filter((event) => fresh.has(event.id));
      if (toPublish.length) {
        await this.producer.send(
          topic,
          toPublish.map((event) => ({ key: realm, value: feedRecord(realm, kind, event) })),
        );
      }
      watermark = advanceWatermark(watermark, page);
      await recordPublished(session, { realm, kind, watermark, overlapMs }, toPublish);
      if (toPublish.length) {
        feedEvents.add(toPublish.length, { realm, kind });
        this.published += toPublish.length;
        this.logger.info('Keycloak Events Published', { realm, kind, count: toPublish.length });
      }
      request = nextRequest(request, page, pageSize);
    }
  }

  async check(): Promise<ComponentHealth> {
    if (!this.client) return { status: 'UP', details: { feed: 'off' } };
    const details: Record<string, unknown> = {
      realms: this.config.KEYCLOAK_FEED_REALMS,
      published: this.published,
      lastPoll: this.lastPoll?.toISOString(),
    };
    if (this.heldElsewhere) details.pollingElsewhere = true;
    if (this.lastError) {
      const failingMs = Date.now() - this.lastError.since.getTime();
      details.error = this.lastError.message;
      details.failingSince = this.lastError.since.toISOString();
      if (failingMs >= this.config.KEYCLOAK_FEED_DOWN_AFTER_SECONDS * 1000) return { status: 'DOWN', details };
    }
    return { status: 'UP', details };
  }
}
