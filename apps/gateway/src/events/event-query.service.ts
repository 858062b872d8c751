import { Inject, Injectable } from '@nestjs/common';
import { pipeline, type Readable } from 'node:stream';
import { ApiError, type Principal } from '@meshtrail/auth';
import { AuditViewRecorder } from './audit/audit-view.recorder';
import type { AuditLogView } from './audit/audit-log-viewed';
import { CursorCodec } from './query/cursor';
import { canonicalFilter, filterFromParams, type EventFilter, type FilterParams } from './query/event-filter';
import { toEventView, type AuditEventView } from './store/event-row';
import { fanOutWorkspaces, type ReadScope } from './store/event-sql';
import { EventStoreReader } from './store/event-store.reader';
import type { ReadContext } from './read-context';
import { readScopeOf, resolveWorkspaces, workspaceValues } from './read-scope';
import { withWorkspaceNames, type ExportFormat } from './export/export-format';
import { READ_DURATIONS, type ReadDurations } from '../read-limits/read-limits.module';
import { ReadSlots } from '../read-limits/read-slots';
import { WorkspaceNamesReader } from '../workspaces/workspace-names.reader';

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
    private readonly names: WorkspaceNamesReader,
  ) {}

  async list(
    context: ReadContext,
    params: FilterParams & { limit?: number; cursor?: string; count?: boolean },
  ): Promise<EventPage> {
    const asked = filterFromParams(params);
    const { filter, scope } = await this.scopeFor(context.principal, asked);
    const canonical = canonicalFilter(asked);
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
    await this.views.record({
      ...this.viewOf(context, asked, filter, scope),
      operation: 'list',
      returned: page.length,
    });
    const names = await this.names.namesOf(page.map((row) => row.workspace));
    return {
      events: page.map((row) => toEventView(row, names)),
      nextCursor,
      ...(total === undefined ? {} : { total }),
    };
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
    return toEventView(row, await this.names.namesOf([row.workspace]));
  }

  /**
   * Every matching event as a row stream; the read is recorded before the first byte goes out.
   * The export holds one of its principal's export slots until the stream closes, and is ended
   * (the stream fails) once it has run EXPORT_TIMEOUT_MS.
   */
  async export(context: ReadContext, params: FilterParams, format: ExportFormat): Promise<Readable> {
    const asked = filterFromParams(params);
    const { filter, scope } = await this.scopeFor(context.principal, asked);
    const release = this.slots.acquire('export', context.principal);
    let rows: Readable;
    try {
      const names = await this.names.namesOf(fanOutWorkspaces(filter, scope));
      // destroying the named rows (timeout, client gone) ends the query's stream too, and its failure theirs
      rows = pipeline(await this.reader.export(filter, scope), withWorkspaceNames(names), () => undefined);
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
      await this.views.record({ ...this.viewOf(context, asked, filter, scope), operation: 'export', format });
    } catch (error) {
      rows.destroy();
      throw error;
    }
    return rows;
  }

  /**
   * The caller's scope, and the filter with each workspace value resolved (one small query) to
   * the workspaces it names: the id itself, and those whose current or former name it is; within
   * the scope, or a 403 (resolveWorkspaces).
   */
  async scopeFor(principal: Principal, asked: EventFilter): Promise<{ filter: EventFilter; scope: ReadScope }> {
    const scope = readScopeOf(principal);
    const values = workspaceValues(asked);
    if (values.length === 0) return { filter: asked, scope };
    return { filter: resolveWorkspaces(asked, await this.names.resolve(values), scope), scope };
  }

  /**
   * What the AuditLogViewed event of a read says, but the operation: the filter as asked, and the
   * one workspace it reads when it resolves to one.
   */
  viewOf(
    context: ReadContext,
    asked: EventFilter,
    filter: EventFilter,
    scope: ReadScope,
  ): Omit<AuditLogView, 'operation'> {
    const workspaces = fanOutWorkspaces(filter, scope);
    return {
      principal: context.principal,
      filter: asked,
      workspace: workspaces?.length === 1 ? workspaces[0] : undefined,
      sourceIp: context.sourceIp,
      correlationId: context.correlationId,
    };
  }
}
