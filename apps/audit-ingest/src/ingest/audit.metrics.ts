import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('meshtrail');

export const eventsIngested = meter.createCounter('meshtrail.audit.events_ingested', {
  description: 'Audit events newly stored, by object type and action',
});
export const duplicatesSkipped = meter.createCounter('meshtrail.audit.duplicates', {
  description: 'Records whose event was already stored with the same content (redeliveries, producer retries)',
});
export const authEventsIngested = meter.createCounter('meshtrail.auth.events_ingested', {
  description: 'Keycloak authentication and admin events newly stored, by kind',
});
