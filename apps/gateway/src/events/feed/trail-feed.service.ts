import { Inject, Injectable } from '@nestjs/common';
import { TRAIL_START, type TrailPosition as CommitPosition } from '@meshtrail/audit-store';
import { isFeedRead } from '../audit/audit-log-viewed';
import { AuditViewRecorder } from '../audit/audit-view.recorder';
import { QUERY_DEFAULT_LIMIT, type ReadContext } from '../event-query.service';
import { CursorCodec } from '../query/cursor';
import { readScopeOf } from '../read-scope';
import { toEventView, type AuditEventView } from '../store/event-row';
import { EventStoreReader } from '../store/event-store.reader';
import { WorkspaceNamesReader } from '../../workspaces/workspace-names.reader';

export interface FeedEventView extends AuditEventView {
  position: CommitPosition;
}

export interface FeedPage {
  events: FeedEventView[];
  /** The cursor to read on from: always given, the same position again when nothing was new. */
  next: string;
  more: boolean;
}

/**
 * The trail for followers: every event in the caller's scope once, in commit order, page after
 * page from an opaque cursor. A page is recorded as an AuditLogViewed event, unless it holds
 * nothing but records of feed reads (see isFeedRead).
 */
@Injectable()
export class TrailFeedService {
  constructor(
    private readonly reader: EventStoreReader,
    private readonly cursors: CursorCodec,
    private readonly views: AuditViewRecorder,
    @Inject(QUERY_DEFAULT_LIMIT) private readonly defaultLimit: number,
    private readonly names: WorkspaceNamesReader,
  ) {}

  async follow(context: ReadContext, params: { after?: string; limit?: number }): Promise<FeedPage> {
    const after = params.after === undefined ? undefined : this.cursors.decodeFeed(params.after, 'after');
    const scope = readScopeOf(context.principal);
    const page = await this.reader.feed(after, params.limit ?? this.defaultLimit, scope);
    if (page.entries.some(({ row }) => !isFeedRead(row))) {
      await this.views.record({
        principal: context.principal,
        operation: 'feed',
        returned: page.entries.length,
        positions: { after: after ?? TRAIL_START, through: page.next },
        workspace: !scope.all && scope.workspaces.length === 1 ? scope.workspaces[0] : undefined,
        sourceIp: context.sourceIp,
        correlationId: context.correlationId,
      });
    }
    const names = await this.names.namesOf(page.entries.map(({ row }) => row.workspace));
    return {
      events: page.entries.map(({ row, position }) => ({ ...toEventView(row, names), position })),
      next: this.cursors.encodeFeed(page.next),
      more: page.more,
    };
  }
}
