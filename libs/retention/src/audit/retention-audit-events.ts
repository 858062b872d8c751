import type { AuditEventInput } from '@meshtrail/contracts';
import { RETENTION_BOUNDS, monthsText } from '../policy/data-kinds';
import type { StoreOutcome } from '../execution/store-outcome';
import type { HoldActor, LegalHold } from '../legal-hold/legal-hold';

/** Sends audit events to audit.events.v1 and resolves once the broker acknowledged them. */
export type AuditPublish = (events: AuditEventInput[]) => Promise<unknown>;

/** The retention service acts on its own authority. */
export const RETENTION_ACTOR = {
  kind: 'system',
  id: 'meshtrail-retention',
  displayName: 'meshtrail retention',
} as const;

const count = (n: number) => n.toLocaleString('en-US');

function actorOf(by: HoldActor) {
  return { kind: by.kind, id: by.id, displayName: by.name };
}

/**
 * RetentionEnforced: what one real run deleted of one kind of data, so the trail records its own
 * pruning. The id is derived from the run, so publishing it again after a crash stores it once.
 */
export function retentionEnforced(runId: string, at: Date, outcome: StoreOutcome): AuditEventInput {
  const label = RETENTION_BOUNDS[outcome.kind].label;
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  const copies = outcome.copies
    .filter((copy) => !copy.skipped)
    .map((copy) => `, and ${count(copy.rowsDeleted)} rows of its copy ${copy.table}`);
  const change =
    `deleted ${count(outcome.rowsDeleted)} rows of ${label} older than ${outcome.cutoff} ` +
    `(retention ${monthsText(outcome.retentionMonths)}): ${outcome.partitionsDropped.length} partitions dropped, ` +
    `${count(outcome.rowsDeletedInBatches)} rows deleted in batches` +
    `${copies.join('')}, in ${seconds} s` +
    (outcome.error ? `; failed: ${outcome.error.replace(/[\r\n]+/g, ' ')}` : '');
  return {
    id: `retention-${runId}-${outcome.kind}`,
    time: at,
    type: 'meshtrail.retention.enforced',
    subject: outcome.kind,
    data: {
      objectType: 'RetentionPolicy',
      objectId: outcome.kind,
      objectName: label,
      action: 'deleted',
      actor: RETENTION_ACTOR,
      change: change.slice(0, 4096),
      changes: [
        { field: 'kind', to: outcome.kind },
        { field: 'table', to: outcome.table },
        { field: 'retentionMonths', to: outcome.retentionMonths },
        { field: 'cutoff', to: outcome.cutoff },
        { field: 'rowsDeleted', to: outcome.rowsDeleted },
        { field: 'rowsDeletedInBatches', to: outcome.rowsDeletedInBatches },
        { field: 'partitionsDropped', to: outcome.partitionsDropped },
        { field: 'registryRowsDeleted', to: outcome.registryRowsDeleted },
        ...(outcome.copies.length > 0
          ? [
              {
                field: 'copies',
                to: outcome.copies.map(({ table, rowsDeleted, partitionsDropped, skipped }) => ({
                  table,
                  rowsDeleted,
                  partitionsDropped,
                  ...(skipped ? { skipped } : {}),
                })),
              },
            ]
          : []),
        { field: 'durationMs', to: outcome.durationMs },
        ...(outcome.error ? [{ field: 'error', to: outcome.error }] : []),
      ],
      correlationId: runId,
    },
  };
}

/*
 * Hold events are global (no workspace), so only administrators see them: a workspace's owner
 * reading their own trail does not learn of an investigation. The workspace is the object id.
 */

export function legalHoldPlaced(hold: LegalHold): AuditEventInput {
  return {
    id: `legal-hold-${hold.id}-placed`,
    time: hold.placedAt,
    type: 'meshtrail.legalhold.placed',
    subject: hold.workspace,
    data: {
      objectType: 'LegalHold',
      objectId: hold.workspace,
      objectName: `legal hold on workspace ${hold.workspace}`,
      action: 'created',
      actor: actorOf(hold.placedBy),
      change: `placed a legal hold on workspace ${hold.workspace}: its data is kept beyond retention until released`,
      changes: [
        { field: 'holdId', to: hold.id },
        { field: 'reason', to: hold.reason },
      ],
    },
  };
}

export function legalHoldReleased(hold: LegalHold): AuditEventInput {
  return {
    id: `legal-hold-${hold.id}-released`,
    time: hold.releasedAt,
    type: 'meshtrail.legalhold.released',
    subject: hold.workspace,
    data: {
      objectType: 'LegalHold',
      objectId: hold.workspace,
      objectName: `legal hold on workspace ${hold.workspace}`,
      action: 'deleted',
      actor: actorOf(hold.releasedBy!),
      change: `released the legal hold on workspace ${hold.workspace}: retention applies to its data again`,
      changes: [
        { field: 'holdId', to: hold.id },
        { field: 'reason', from: hold.reason },
        { field: 'releaseReason', to: hold.releaseReason },
      ],
    },
  };
}
