import { Injectable } from '@nestjs/common';
import { workspaceNameKey } from '@meshtrail/audit-store';
import { DatabaseConnection } from '@meshtrail/database';

/** A workspace as GET /api/v1/workspaces lists it. */
export interface WorkspaceEntry {
  id: string;
  /** Its current name; null when no Workspace event named it. */
  name: string | null;
  /** True once a Workspace event deleted it (its events stay readable). */
  deleted: boolean;
}

/**
 * Reads the workspace-name projection (workspace_names, workspace_name_history), which the
 * trail projector keeps: each call is one small statement on the projection, never on the trail.
 */
@Injectable()
export class WorkspaceNamesReader {
  constructor(private readonly db: DatabaseConnection) {}

  /**
   * For each value, the workspaces it names: itself as a workspace id, and every workspace whose
   * current or former name it is, in any letter case (exact, not a substring).
   */
  async resolve(values: readonly string[]): Promise<Map<string, string[]>> {
    const resolved = new Map(values.map((value) => [value, [value]]));
    if (values.length === 0) return resolved;
    const rows = await this.db.query<{ value: string; workspace: string }>(
      `SELECT v.value, h.workspace
       FROM unnest($1::text[], $2::text[]) AS v(value, name_key)
       JOIN workspace_name_history h ON h.name_key = v.name_key
       ORDER BY h.workspace`,
      [values, values.map(workspaceNameKey)],
    );
    for (const { value, workspace } of rows) {
      const ids = resolved.get(value)!;
      if (!ids.includes(workspace)) ids.push(workspace);
    }
    return resolved;
  }

  /** The current names of these workspaces (those that have one); of every workspace when undefined. */
  async namesOf(workspaces: Iterable<string | null> | undefined): Promise<Map<string, string>> {
    const ids = workspaces && [...new Set([...workspaces].filter((w): w is string => w !== null))];
    if (ids?.length === 0) return new Map();
    const rows = await this.db.query<{ workspace: string; name: string }>(
      `SELECT workspace, name FROM workspace_names
       WHERE ($1::text[] IS NULL OR workspace = ANY($1::text[])) AND name IS NOT NULL`,
      [ids ?? null],
    );
    return new Map(rows.map((row) => [row.workspace, row.name]));
  }

  /**
   * Workspaces of the projection, by name (case folded; unnamed last) then id, at most `limit`:
   * all of them, or only `within`. `prefix` narrows to names or ids starting with it, in any
   * letter case.
   */
  async list(options: { prefix?: string; limit: number; within?: readonly string[] }): Promise<WorkspaceEntry[]> {
    const prefix = options.prefix ?? '';
    const rows = await this.db.query<WorkspaceEntry>(
      `SELECT workspace AS id, name, deleted FROM workspace_names
       WHERE ($1::text[] IS NULL OR workspace = ANY($1::text[]))
         AND (starts_with(name_key, $2) OR starts_with(lower(workspace), $3))
       ORDER BY name_key COLLATE "C" NULLS LAST, workspace COLLATE "C"
       LIMIT $4`,
      [options.within ?? null, workspaceNameKey(prefix), prefix.toLowerCase(), options.limit],
    );
    return rows;
  }
}
