import type { AuditEventInput } from '@meshtrail/contracts';
import { describeFilters, type DeadLetterFilters } from './dead-letter-filters';

/** Who replays: a user or API key through the gateway, an operator through the admin CLI. */
export interface ReplayActor {
  kind: 'user' | 'apiKey' | 'system';
  id: string;
  name: string;
}

export interface ReplayFacts {
  replayId: string;
  at: Date;
  by: ReplayActor;
  filters: DeadLetterFilters;
  /** Dead letters republished. */
  replayed: number;
  /** Republished records per source topic. */
  topics: Record<string, number>;
  /** The ids replayed (the first 1000: the event stays small). */
  ids: string[];
  /** Set when the replay stopped part-way. */
  error?: string;
}

const MAX_IDS = 1000;

/**
 * DeadLettersReplayed: who replayed how many dead letters, with which filters. Global (no
 * workspace): only administrators see it. The id is the replay's, so publishing it again after a
 * crash stores it once.
 */
export function deadLettersReplayed(facts: ReplayFacts): AuditEventInput {
  const filters = describeFilters(facts.filters);
  const described = Object.entries(filters)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  const change =
    `replayed ${facts.replayed} dead letter${facts.replayed === 1 ? '' : 's'} to their source topics` +
    (described ? ` (filters: ${described})` : ' (no filters)') +
    (facts.error ? `; stopped: ${facts.error}` : '');
  return {
    id: `dead-letter-replay-${facts.replayId}`,
    time: facts.at,
    type: 'meshtrail.deadletters.replayed',
    subject: facts.replayId,
    data: {
      objectType: 'DeadLetter',
      objectId: facts.replayId,
      objectName: 'dead-letter replay',
      action: 'updated',
      actor: { kind: facts.by.kind, id: facts.by.id, displayName: facts.by.name },
      change: change.replace(/[\r\n]+/g, ' ').slice(0, 4096),
      changes: [
        { field: 'filters', to: filters },
        { field: 'replayed', to: facts.replayed },
        { field: 'topics', to: facts.topics },
        { field: 'deadLetterIds', to: facts.ids.slice(0, MAX_IDS) },
        ...(facts.error ? [{ field: 'error', to: facts.error }] : []),
      ],
      correlationId: facts.replayId,
    },
  };
}
