import { RETENTION_BOUNDS } from './data-kinds';

/** Logs kept outside meshtrail's database (in Loki, in files), each with bounds in months. */
export const LOG_KINDS = ['componentLogs', 'keycloakLogs', 'accessLines'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export interface LogRetentionBounds {
  readonly label: string;
  readonly minMonths: number;
  readonly maxMonths: number;
}

/**
 * Component logs (no personal data) and Keycloak's logs are kept at least one and at most six
 * months; access lines carry addresses and principals, so they are bound like the access-log store.
 */
export const LOG_RETENTION_BOUNDS: Readonly<Record<LogKind, LogRetentionBounds>> = {
  componentLogs: { label: 'component logs', minMonths: 1, maxMonths: 6 },
  keycloakLogs: { label: 'Keycloak logs', minMonths: 1, maxMonths: 6 },
  accessLines: {
    label: 'access lines',
    minMonths: RETENTION_BOUNDS.accessLogs.minMonths,
    maxMonths: RETENTION_BOUNDS.accessLogs.maxMonths,
  },
};

const LONGEST_MONTH_DAYS = 31;
const SHORTEST_MONTH_DAYS = 28;

/**
 * Whether a retention in days keeps a log within its bounds whatever the months: at least the
 * minimum in the longest months, at most the maximum in the shortest.
 */
export function daysWithinLogBounds(kind: LogKind, days: number): boolean {
  const { minMonths, maxMonths } = LOG_RETENTION_BOUNDS[kind];
  return Number.isInteger(days) && days >= minMonths * LONGEST_MONTH_DAYS && days <= maxMonths * SHORTEST_MONTH_DAYS;
}

/** "component logs must be kept from 31 to 168 days" */
export function logBoundsRule(kind: LogKind): string {
  const { label, minMonths, maxMonths } = LOG_RETENTION_BOUNDS[kind];
  return `${label} must be kept from ${minMonths * LONGEST_MONTH_DAYS} to ${maxMonths * SHORTEST_MONTH_DAYS} days`;
}
