/**
 * One Keycloak event as meshtrail's event feed publishes it to keycloak.events.raw.v1: the event
 * exactly as Keycloak's admin API returned it (GET /admin/realms/{realm}/events or /admin-events),
 * wrapped with the realm it was read from. `event.id` is Keycloak's own id: the store keeps an
 * event once however often it is published.
 */
export interface KeycloakFeedRecord {
  feed: typeof KEYCLOAK_FEED_NAME;
  realm: string;
  kind: 'login' | 'admin';
  event: Record<string, unknown>;
}

export const KEYCLOAK_FEED_NAME = 'keycloak-admin-api';
