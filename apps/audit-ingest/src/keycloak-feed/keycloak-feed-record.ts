import { KEYCLOAK_FEED_NAME, type KeycloakFeedRecord } from '@meshtrail/contracts';
import type { FeedKind, KeycloakEventJson } from './keycloak-admin.client';

/** The largest record the ingest parses (MAX_KEYCLOAK_LINE_LENGTH), with room to spare. */
export const MAX_FEED_RECORD_LENGTH = 60_000;

/**
 * The topic record for one event. An admin event's representation (the whole changed object, when
 * Keycloak keeps details) is shortened when the record would be too long to store, and says so in
 * its details: the event itself is never dropped for the size of what it changed.
 */
export function feedRecord(realm: string, kind: FeedKind, event: KeycloakEventJson): string {
  const record: KeycloakFeedRecord = { feed: KEYCLOAK_FEED_NAME, realm, kind, event };
  const text = JSON.stringify(record);
  const representation = event.representation;
  if (text.length <= MAX_FEED_RECORD_LENGTH || typeof representation !== 'string') return text;
  const keep = Math.max(0, representation.length - (text.length - MAX_FEED_RECORD_LENGTH) - 200);
  const details = typeof event.details === 'object' && event.details !== null ? event.details : {};
  return JSON.stringify({
    ...record,
    event: {
      ...event,
      // cut at a code point: a lone surrogate would make the record unstorable
      representation: representation.slice(0, keep).replace(/[\ud800-\udbff]$/, ''),
      details: { ...details, representation_truncated: `${representation.length} characters, the first ${keep} kept` },
    },
  });
}
