import { cutoffFor, monthStart } from '../policy/cutoff';
import type { RetentionPolicies } from '../policy/data-kinds';
import type { PartitionFacts, StoreInventory } from './inventory';
import type { RetentionPlan, StorePlan, Sweep } from './retention-plan';

export interface PlanInput {
  readonly now: Date;
  readonly policies: RetentionPolicies;
  /** Workspaces under legal hold when the run starts. */
  readonly heldWorkspaces: readonly string[];
  readonly stores: readonly StoreInventory[];
  /** Monthly partitions to keep ready beyond the current month. */
  readonly monthsAhead: number;
}

type Placement = 'expired' | 'boundary' | 'current';

/** Where a range partition stands against the cutoff; the default partition is swept apart. */
function placement(partition: PartitionFacts, cutoff: Date): Placement {
  const endsBy = partition.to !== null && partition.to.getTime() <= cutoff.getTime();
  if (endsBy) return 'expired';
  const startsBefore = partition.from === null || partition.from.getTime() < cutoff.getTime();
  return startsBefore ? 'boundary' : 'current';
}

function planStore(input: PlanInput, inventory: StoreInventory): StorePlan {
  const { store } = inventory;
  const retentionMonths = input.policies[store.kind];
  const cutoff = cutoffFor(input.now, retentionMonths);
  const base = {
    kind: store.kind,
    table: store.table,
    timeColumn: store.timeColumn,
    workspaceColumn: store.workspaceColumn,
    retentionMonths,
    cutoff,
    idRegistries: store.idRegistries ?? [],
    copies: (inventory.copies ?? []).map((copy) => planStore(input, copy)),
  };
  if (inventory.layout === 'absent') {
    return { ...base, skipped: 'absent', drop: [], dropDetached: [], sweep: [], idRegistries: [], copies: [] };
  }
  if (inventory.layout === 'plain') {
    return { ...base, drop: [], dropDetached: [], sweep: [{ relation: store.table, reason: 'unpartitioned' }] };
  }
  const holdsApply = store.workspaceColumn !== undefined && input.heldWorkspaces.length > 0;
  const drop: string[] = [];
  const sweep: Sweep[] = [];
  for (const partition of inventory.partitions) {
    if (partition.isDefault) {
      sweep.push({ relation: partition.name, reason: 'default' });
      continue;
    }
    const where = placement(partition, cutoff);
    if (where === 'boundary') sweep.push({ relation: partition.name, reason: 'boundary' });
    if (where === 'expired') {
      // a partition that may hold a held workspace's rows is never dropped: only its other rows go
      if (holdsApply && partition.holdsHeldRows !== false) sweep.push({ relation: partition.name, reason: 'held' });
      else drop.push(partition.name);
    }
  }
  return {
    ...base,
    drop,
    dropDetached: [...inventory.detached],
    sweep,
    ensureAhead: { fromMonth: monthStart(input.now), months: input.monthsAhead + 1 },
  };
}

/**
 * Decides what one retention run does, from the clock, the policies, the holds and what the
 * database holds. Pure: the real run and the dry run execute the same plan.
 */
export function planRetention(input: PlanInput): RetentionPlan {
  return { now: input.now, stores: input.stores.map((inventory) => planStore(input, inventory)) };
}
