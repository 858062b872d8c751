import { Injectable } from '@nestjs/common';
import { AuditViewRecorder } from '../audit/audit-view.recorder';
import { EventQueryService } from '../event-query.service';
import { filterFromParams, type FilterParams } from '../query/event-filter';
import type { ReadContext } from '../read-context';
import { EventStoreReader } from '../store/event-store.reader';
import { dailyStats, statsRange, type EventStats } from './daily-stats';

/**
 * Events per UTC day and action for the filters of the event list (the same parsing, scope and
 * WHERE clause, so a workspace owner or manager counts their workspaces only), recorded in the
 * trail as a read like a list is: counts tell what happened in a workspace as a page does.
 */
@Injectable()
export class EventStatsService {
  constructor(
    private readonly reader: EventStoreReader,
    private readonly events: EventQueryService,
    private readonly views: AuditViewRecorder,
  ) {}

  async daily(context: ReadContext, params: FilterParams, now = new Date()): Promise<EventStats> {
    const asked = filterFromParams(params);
    const { filter, scope } = await this.events.scopeFor(context.principal, asked);
    const range = statsRange(filter, params, now);
    // the range's days bound the count where the filter gives no bound of its own
    const bounds = { from: filter.from ?? range.from, to: filter.to ?? range.to };
    const counted = { ...filter, ...bounds };
    const stats = dailyStats(range, await this.reader.dailyCounts(counted, scope));
    const total = stats.days.reduce((sum, day) => sum + day.total, 0);
    const view = this.events.viewOf(context, { ...asked, ...bounds }, counted, scope);
    await this.views.record({ ...view, operation: 'stats', returned: total });
    return stats;
  }
}
