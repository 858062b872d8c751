/**
 * The kinds of stored data retention distinguishes, each with the bounds no configuration can
 * break: kept at least `minMonths` (audits need it), deleted after at most `maxMonths` (privacy
 * demands it). The configured value sits between them; the default is documented in the README.
 */
export const DATA_KINDS = ['auditEvents', 'authEvents', 'accessLogs', 'telemetryTransmissions', 'deadLetters'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export interface RetentionBounds {
  /** How operators and messages name the kind. */
  readonly label: string;
  /** The environment variable that sets it, in months. */
  readonly variable: string;
  readonly minMonths: number;
  readonly maxMonths: number;
  readonly defaultMonths: number;
}

export const RETENTION_BOUNDS: Readonly<Record<DataKind, RetentionBounds>> = {
  auditEvents: {
    label: 'audit events',
    variable: 'RETENTION_AUDIT_EVENTS_MONTHS',
    minMonths: 12,
    maxMonths: 60,
    defaultMonths: 24,
  },
  authEvents: {
    label: 'Keycloak authentication and admin events',
    variable: 'RETENTION_AUTH_EVENTS_MONTHS',
    minMonths: 2,
    maxMonths: 12,
    defaultMonths: 6,
  },
  accessLogs: {
    label: 'API access logs',
    variable: 'RETENTION_ACCESS_LOGS_MONTHS',
    minMonths: 1,
    maxMonths: 6,
    defaultMonths: 3,
  },
  telemetryTransmissions: {
    label: 'telemetry transmission log',
    variable: 'RETENTION_TELEMETRY_TRANSMISSIONS_MONTHS',
    minMonths: 1,
    maxMonths: 6,
    defaultMonths: 3,
  },
  // raw copies of refused records of every kind (access lines and Keycloak events among them):
  // kept no longer than the strictest of those kinds' maxima, the access logs'
  deadLetters: {
    label: 'dead letters',
    variable: 'RETENTION_DEAD_LETTERS_MONTHS',
    minMonths: 1,
    maxMonths: 6,
    defaultMonths: 3,
  },
};

/** Months to keep each kind of data. */
export type RetentionPolicies = Readonly<Record<DataKind, number>>;

export const DEFAULT_POLICIES: RetentionPolicies = Object.fromEntries(
  DATA_KINDS.map((kind) => [kind, RETENTION_BOUNDS[kind].defaultMonths]),
) as RetentionPolicies;

/** "audit events must be kept from 12 months (minimum) to 60 months (maximum), in whole months" */
export function boundsRule(kind: DataKind): string {
  const { label, minMonths, maxMonths } = RETENTION_BOUNDS[kind];
  return `${label} must be kept from ${monthsText(minMonths)} (minimum) to ${monthsText(maxMonths)} (maximum), in whole months`;
}

export function monthsText(months: number): string {
  return months === 1 ? '1 month' : `${months} months`;
}

export function isWithinBounds(kind: DataKind, months: unknown): months is number {
  const { minMonths, maxMonths } = RETENTION_BOUNDS[kind];
  return typeof months === 'number' && Number.isInteger(months) && months >= minMonths && months <= maxMonths;
}
