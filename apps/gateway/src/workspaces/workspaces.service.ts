import { Injectable } from '@nestjs/common';
import { workspaceNameKey } from '@meshtrail/audit-store';
import type { Principal } from '@meshtrail/auth';
import { readScopeOf } from '../events/read-scope';
import { WorkspaceNamesReader, type WorkspaceEntry } from './workspace-names.reader';

/** Byte order of the UTF-8 texts: the order PostgreSQL's "C" collation sorts the projection in. */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** By name (letter case folded; unnamed last), then by id. */
export function byNameThenId(a: WorkspaceEntry, b: WorkspaceEntry): number {
  if (a.name !== b.name) {
    if (a.name === null) return 1;
    if (b.name === null) return -1;
    const order = utf8Order(workspaceNameKey(a.name), workspaceNameKey(b.name));
    if (order !== 0) return order;
  }
  return utf8Order(a.id, b.id);
}

/**
 * The workspaces a caller may read, with their names: for an admin every workspace the name
 * projection knows, and for anyone the workspaces of their principal (unnamed when no Workspace
 * event named them).
 */
@Injectable()
export class WorkspacesService {
  constructor(private readonly names: WorkspaceNamesReader) {}

  async list(principal: Principal, params: { q?: string; limit: number }): Promise<WorkspaceEntry[]> {
    const scope = readScopeOf(principal);
    const prefix = (params.q ?? '').trim();
    const key = workspaceNameKey(prefix);
    const own = principal.workspaces;
    const known = new Map(
      own.length === 0
        ? []
        : (await this.names.list({ within: own, limit: own.length })).map((entry) => [entry.id, entry]),
    );
    const mine = own
      .map((id) => known.get(id) ?? { id, name: null, deleted: false })
      .filter(
        (entry) =>
          entry.id.toLowerCase().startsWith(prefix.toLowerCase()) ||
          (entry.name !== null && workspaceNameKey(entry.name).startsWith(key)),
      );
    const all = scope.all ? await this.names.list({ prefix, limit: params.limit }) : [];
    const merged = new Map([...all, ...mine].map((entry) => [entry.id, entry]));
    return [...merged.values()].sort(byNameThenId).slice(0, params.limit);
  }
}
