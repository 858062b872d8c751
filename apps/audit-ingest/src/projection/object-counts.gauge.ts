import { Injectable } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import type { ObjectCount } from '@meshtrail/audit-store';
import { DatabaseConnection } from '@meshtrail/database';
import { AppLogger } from '@meshtrail/observability';

const gauge = metrics.getMeter('meshtrail').createObservableGauge('meshtrail.objects.count', {
  description: 'Objects that exist per object type (created and not deleted), from the object_counts projection',
});

/**
 * meshtrail.objects.count from the object_counts projection. Observed from a cache, so a scrape
 * never waits for the database: filled at start, updated by every batch that changes counts, and
 * re-read periodically (a rebuild-projections run changes the table behind our back).
 */
@Injectable()
export class ObjectCountsGauge {
  private readonly logger = new AppLogger('ObjectCounts');
  private readonly counts = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly database: DatabaseConnection) {
    gauge.addCallback((result) => {
      for (const [objectType, count] of this.counts) result.observe(count, { object_type: objectType });
    });
  }

  update(changed: ObjectCount[]): void {
    for (const { objectType, count } of changed) this.counts.set(objectType, count);
  }

  async refresh(): Promise<void> {
    try {
      const rows = await this.database.query<{ object_type: string; count: string }>(
        'SELECT object_type, count::text FROM object_counts',
      );
      for (const type of this.counts.keys()) this.counts.set(type, 0);
      for (const row of rows) this.counts.set(row.object_type, Number(row.count));
    } catch (error) {
      this.logger.warn('Object Counts Not Refreshed', { error: (error as Error).message });
    }
  }

  start(intervalMs = 60_000): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
