import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ServiceEnv } from '@meshtrail/config';
import { AuditEventPublisher } from '@meshtrail/contracts';
import { DatabaseConnection } from '@meshtrail/database';
import { KAFKA_OPTIONS, KafkaProducer, type KafkaModuleOptions } from '@meshtrail/kafka';
import { AppLogger } from '@meshtrail/observability';
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
 * database or the broker is away.
 */
@Injectable()
export class SettingsRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new AppLogger('Settings');
  private readonly publisher: AuditEventPublisher;
  private retry?: NodeJS.Timeout;
  private stopped = false;

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
      await this.record(current);
    } catch (error) {
      if (this.stopped) return;
      this.logger.error('Settings Not Recorded', { error: (error as Error).message, retryInMs: RETRY_MS });
      this.retry = setTimeout(() => void this.attempt(current), RETRY_MS);
      this.retry.unref();
    }
  }

  private async record(current: SettingsSnapshot): Promise<void> {
    await this.database.transaction(async (session) => {
      await session.query(`SELECT pg_advisory_xact_lock(hashtext('meshtrail.service_settings'), hashtext($1))`, [
        this.service,
      ]);
      const [row] = (
        await session.query<{ settings: SettingsSnapshot }>(
          'SELECT settings FROM service_settings WHERE service = $1',
          [this.service],
        )
      ).rows;
      const previous = row?.settings;
      const changes = diffSettings(previous, current);
      if (changes.length === 0) {
        this.logger.info('Settings Unchanged', { recorded: Object.keys(current).length });
        return;
      }
      const turnedOff = safeguardsTurnedOff(previous, current);
      await this.publisher.publish(settingsChangedEvent(this.service, changes, turnedOff, previous === undefined));
      await session.query(
        `INSERT INTO service_settings (service, settings, recorded_at) VALUES ($1, $2, now())
         ON CONFLICT (service) DO UPDATE SET settings = EXCLUDED.settings, recorded_at = EXCLUDED.recorded_at`,
        [this.service, JSON.stringify(current)],
      );
      for (const off of turnedOff) {
        this.logger.warn('Safeguard Turned Off', { safeguard: off.safeguard, detail: off.description });
      }
      this.logger.info('Settings Changed', { changed: changes.map((change) => change.field), first: !previous });
    });
  }
}
