import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ApiError, type Principal } from '@meshtrail/auth';
import { AuditViewRecorder } from './audit/audit-view.recorder';
import type { AuditLogView } from './audit/audit-log-viewed';
import { CursorCodec } from './query/cursor';
import {
  canonicalFilter,
  filterFromParams,
  requestedWorkspaces,
  type EventFilter,
  type FilterParams,
} from './query/event-filter';
import { toEventView, type AuditEventView } from './store/event-row';
import { fanOutWorkspaces, type ReadScope } from './store/event-sql';
import { EventStoreReader } from './store/event-store.reader';
import type { ReadContext } from './read-context';
import { readScopeOf } from './read-scope';
import type { ExportFormat } from './export/export-format';
import { READ_DURATIONS, type ReadDurations } from '../read-limits/read-limits.module';
import { ReadSlots } from '../read-limits/read-slots';

export const QUERY_DEFAULT_LIMIT = Symbol('QUERY_DEFAULT_LIMIT');

export type { ReadContext } from './read-context';

export interface EventPage {
  events: AuditEventView[];
  nextCursor: string | null;
  total?: number;
}

/**
 * The event-log queries: who may read what (403 before any SQL runs), the keyset pages, the
 * single event (404 outside the caller's scope), the export, and the AuditLogViewed event of
 * every read.
 */
@Injectable()
export class EventQueryService {
  constructor(
    private readonly reader: EventStoreReader,
    private readonly cursors: CursorCodec,
    private readonly views: AuditViewRecorder,
    @Inject(QUERY_DEFAULT_LIMIT) private readonly defaultLimit: number,
    private readonly slots: ReadSlots,
    @Inject(READ_DURATIONS) private readonly durations: ReadDurations,
  ) {}

  async list(
    context: ReadContext,
    params: FilterParams & { limit?: number; cursor?: string; count?: boolean },
  ): Promise<EventPage> {
    const filter = filterFromParams(params);
    const scope = this.scopeFor(context.principal, filter);
    const canonical = canonicalFilter(filter);
    const after = params.cursor === undefined ? undefined : this.cursors.decode(params.cursor, canonical);
    const limit = params.limit ?? this.defaultLimit;
    // a text search may hold several connections for up to QUERY_TIMEOUT_MS: a few per principal at once
    const searchesText = filter.conditions.some((c) => c.field === 'change');
    const release = searchesText ? this.slots.acquire('textSearch', context.principal) : undefined;
    let rows: Awaited<ReturnType<EventStoreReader['page']>>;
    let total: number | undefined;
    try {
      [rows, total] = await Promise.all([
        this.reader.page(filter, scope, limit, after),
        params.count ? this.reader.count(filter, scope) : Promise.resolve(undefined),
      ]);
    } finally {
      release?.();
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? this.cursors.encode({ occurredUs: last.occurred_us, seq: last.seq, kind: last.kind }, canonical)
        : null;
    await this.views.record({ ...this.viewOf(context, filter, scope), operation: 'list', returned: page.length });
    return { events: page.map(toEventView), nextCursor, ...(total === undefined ? {} : { total }) };
  }

  /** One event; 404 alike when it does not exist and when it lies outside the caller's scope. */
  async get(context: ReadContext, id: string): Promise<AuditEventView> {
    const scope = readScopeOf(context.principal);
    const row = await this.reader.byId(id, scope);
    if (!row) throw new ApiError(404, 'QUERY.NOT_FOUND', `no event ${JSON.stringify(id)} that you may read`);
    await this.views.record({
      principal: context.principal,
      operation: 'get',
      eventId: id,
      returned: 1,
      workspace: row.workspace ?? undefined,
      sourceIp: context.sourceIp,
      correlationId: context.correlationId,
    });
    return toEventView(row);
  }

  /**
   * Every matching event as a row stream; the read is recorded before the first byte goes out.
   * The export holds one of its principal's export slots until the stream closes, and is ended
   * (the stream fails) once it has run EXPORT_TIMEOUT_MS.
   */
  async export(context: ReadContext, params: FilterParams, format: ExportFormat): Promise<Readable> {
    const filter = filterFromParams(params);
    const scope = this.scopeFor(context.principal, filter);
    const release = this.slots.acquire('export', context.principal);
    let rows: Readable;
    try {
      rows = await this.reader.export(filter, scope);
    } catch (error) {
      release();
      throw error;
    }
    const ms = this.durations.exportTimeoutMs;
    const timer = setTimeout(
      () => rows.destroy(new Error(`the export ran longer than ${ms} ms (EXPORT_TIMEOUT_MS)`)),
      ms,
    );
    rows.once('close', () => {
      clearTimeout(timer);
      release();
    });
    try {
      await this.views.record({ ...this.viewOf(context, filter, scope), operation: 'export', format });
    } catch (error) {
      rows.destroy();
      throw error;
    }
    return rows;
  }

  /** The caller's scope, after checking that every workspace the filter names is inside it (403 otherwise). */
  scopeFor(principal: Principal, filter: EventFilter): ReadScope {
    const scope = readScopeOf(principal);
    if (!scope.all) {
      const outside = requestedWorkspaces(filter).filter((w) => !scope.workspaces.includes(w));
      if (outside.length > 0) {
        throw new ApiError(403, 'QUERY.FORBIDDEN', `you may not read the events of workspace ${outside.join(', ')}`, {
          workspaces: outside,
        });
      }
    }
    return scope;
  }

  /** What the AuditLogViewed event of a read with this filter says, but the operation. */
  viewOf(context: ReadContext, filter: EventFilter, scope: ReadScope): Omit<AuditLogView, 'operation'> {
    const workspaces = fanOutWorkspaces(filter, scope);
    return {
      principal: context.principal,
      filter,
      workspace: workspaces?.length === 1 ? workspaces[0] : undefined,
      sourceIp: context.sourceIp,
      correlationId: context.correlationId,
    };
  }
}
