import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ServiceEnv } from '@meshtrail/config';
import { AuditEventPublisher } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { KAFKA_OPTIONS, KafkaProducer, type KafkaModuleOptions } from '@meshtrail/kafka';
import { AppLogger, type ComponentHealth, type HealthIndicator } from '@meshtrail/observability';
import { SERVICE_CONFIG, SERVICE_NAME } from '../tokens';
import { diffSettings, safeguardsOff, safeguardsTurnedOff } from './settings-changes';
import { settingsChangedEvent } from './settings-event';
import { settingsSnapshot, type SettingsSnapshot } from './settings-snapshot';

const RETRY_MS = 30_000;

/**
 * The settings audit: at start, records the service's effective non-secret settings (its env
 * class's allow-list) and, when they differ from the last recorded, publishes a ServiceSettings
 * event with the diff to the global trail before recording them (so a change is never recorded
 * without its event). A safeguard that is off (access logging, SIEM forwarding, telemetry) is a
 * WARN line at every start, and an audit event when it was switched off. Replicas starting at
 * once take turns (a transaction lock per service). Runs beside the start-up, retrying while the
 * database or the broker is away; the `settingsAudit` health component says whether the
 * settings are recorded, and why not (it never takes the service out of readiness: the service
 * can do its work, its settings are just not on record yet).
 */
@Injectable()
export class SettingsRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown, HealthIndicator {
  readonly name = 'settingsAudit';
  readonly readiness = false;
  private readonly logger = new AppLogger('Settings');
  private readonly publisher: AuditEventPublisher;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private state:
    | { kind: 'off' }
    | { kind: 'pending' }
    | { kind: 'recorded'; at: Date; changed: number }
    | { kind: 'failing'; since: Date; error: string } = { kind: 'pending' };

  constructor(
    private readonly database: DatabaseConnection,
    producer: KafkaProducer,
    @Inject(KAFKA_OPTIONS) options: KafkaModuleOptions,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceEnv,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {
    this.publisher = new AuditEventPublisher({
      sink: producer,
      source: `meshtrail/${service}`,
      topicPrefix: options.topicPrefix,
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.SETTINGS_AUDIT_ENABLED) {
      this.state = { kind: 'off' };
      this.logger.warn('Settings Audit Off', {
        detail: 'SETTINGS_AUDIT_ENABLED=false: changed settings are not recorded',
      });
      return;
    }
    const current = settingsSnapshot(this.config, this.config.recordedSettings());
    for (const off of safeguardsOff(current)) {
      this.logger.warn('Safeguard Off', { safeguard: off.safeguard, detail: off.description });
    }
    void this.attempt(current);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  private async attempt(current: SettingsSnapshot): Promise<void> {
    try {
      const changed = await this.record(current);
      this.state = { kind: 'recorded', at: new Date(), changed };
    } catch (error) {
      if (this.stopped) return;
      const message = (error as Error).message;
      this.state = {
        kind: 'failing',
        since: this.state.kind === 'failing' ? this.state.since : new Date(),
        error: message,
      };
      this.logger.error('Settings Not Recorded', { error: message, retryInMs: RETRY_MS });
      this.retry = setTimeout(() => void this.attempt(current), RETRY_MS);
      this.retry.unref();
    }
  }

  async check(): Promise<ComponentHealth> {
    switch (this.state.kind) {
      case 'off':
        return { status: 'UP', details: { enabled: false } };
      case 'pending':
        return { status: 'UP', details: { enabled: true, recorded: false } };
      case 'recorded':
        return {
          status: 'UP',
          details: {
            enabled: true,
            recorded: true,
            recordedAt: this.state.at.toISOString(),
            changed: this.state.changed,
          },
        };
      case 'failing':
        return {
          status: 'DOWN',
          details: {
            enabled: true,
            recorded: false,
            reason: `the service's settings could not be recorded (retried every ${RETRY_MS / 1000} s): ${this.state.error}`,
            failingSince: this.state.since.toISOString(),
            problem: {
              type: 'settings_not_recorded',
              severity: 'warning',
              since: this.state.since.toISOString(),
              description: 'the settings audit could not record this service settings (database or broker refused)',
            },
          },
        };
    }
  }

  /** Records the settings when they changed; returns how many changed (0: as recorded). */
  private async record(current: SettingsSnapshot): Promise<number> {
    return this.database.transaction(async (session) => {
      await session.query(`SELECT pg_advisory_xact_lock(hashtext('meshtrail.service_settings'), hashtext($1))`, [
        this.service,
      ]);
      const [row] = (
        await session.query<{ settings: SettingsSnapshot }>(
          // its own role's record (row-level security holds a service role to it; the owner too, here)
          'SELECT settings FROM service_settings WHERE service = $1 AND recorded_by = current_user',
          [this.service],
        )
      ).rows;
      const previous = row?.settings;
      const changes = diffSettings(previous, current);
      if (changes.length === 0) {
        this.logger.info('Settings Unchanged', { recorded: Object.keys(current).length });
        return 0;
      }
      const turnedOff = safeguardsTurnedOff(previous, current);
      await this.publisher.publish(settingsChangedEvent(this.service, changes, turnedOff, previous === undefined));
      await session.query(
        `INSERT INTO service_settings (service, settings, recorded_at) VALUES ($1, $2, now())
         ON CONFLICT (service, recorded_by) DO UPDATE SET settings = EXCLUDED.settings, recorded_at = EXCLUDED.recorded_at`,
        [this.service, JSON.stringify(current)],
      );
      for (const off of turnedOff) {
        this.logger.warn('Safeguard Turned Off', { safeguard: off.safeguard, detail: off.description });
      }
      this.logger.info('Settings Changed', { changed: changes.map((change) => change.field), first: !previous });
      return changes.length;
    });
  }
}
