import { randomBytes } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { DEFAULT_TRAIL_SCAN_ROWS } from '@meshtrail/audit-store';
import { DatabaseConnection } from '@meshtrail/database';
import { AppLogger } from '@meshtrail/observability';
import type { GatewayEnv } from '../gateway.env';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { AUDIT_VIEW_TIMEOUT_MS, AuditViewRecorder } from './audit/audit-view.recorder';
import { EventQueryService, QUERY_DEFAULT_LIMIT } from './event-query.service';
import { EventsController, WorkspaceEventsController } from './events.controller';
import { TrailFeedService } from './feed/trail-feed.service';
import { EventStatsController, WorkspaceEventStatsController } from './stats/event-stats.controller';
import { EventStatsService } from './stats/event-stats.service';
import { CursorCodec } from './query/cursor';
import { EventStoreReader, READER_SETTINGS, type ReaderSettings } from './store/event-store.reader';

function cursorSecret(config: GatewayEnv): Buffer {
  if (config.QUERY_CURSOR_SECRET) return Buffer.from(config.QUERY_CURSOR_SECRET, 'utf8');
  new AppLogger('Events').warn('Cursor Secret Generated', {
    detail:
      'QUERY_CURSOR_SECRET is unset: cursors are valid for this process only; set it when running several replicas',
  });
  return randomBytes(32);
}

/** The event-log query API: pages, single events, exports and the feed, each read audited. */
@Module({})
export class EventsModule {
  static register(config: GatewayEnv): DynamicModule {
    const readerSettings: ReaderSettings = {
      statementTimeoutMs: config.QUERY_TIMEOUT_MS,
      exportIdleTimeoutMs: config.EXPORT_IDLE_TIMEOUT_MS,
      exportStatementTimeoutMs: config.EXPORT_TIMEOUT_MS,
      exportBatchSize: 2000,
      textSearchWindow: 1000,
      feedScanRows: DEFAULT_TRAIL_SCAN_ROWS,
    };
    return {
      module: EventsModule,
      imports: [WorkspacesModule],
      // the stats routes before the events': /events/stats is not the event with id "stats"
      controllers: [EventStatsController, WorkspaceEventStatsController, EventsController, WorkspaceEventsController],
      providers: [
        { provide: READER_SETTINGS, useValue: readerSettings },
        {
          provide: EventStoreReader,
          inject: [DatabaseConnection, READER_SETTINGS],
          useFactory: (connection: DatabaseConnection, settings: ReaderSettings) =>
            new EventStoreReader(connection, settings),
        },
        { provide: CursorCodec, useFactory: () => new CursorCodec(cursorSecret(config)) },
        { provide: QUERY_DEFAULT_LIMIT, useValue: config.QUERY_DEFAULT_LIMIT },
        { provide: AUDIT_VIEW_TIMEOUT_MS, useValue: config.AUDIT_VIEW_PUBLISH_TIMEOUT_MS },
        AuditViewRecorder,
        EventQueryService,
        EventStatsService,
        TrailFeedService,
      ],
    };
  }
}
