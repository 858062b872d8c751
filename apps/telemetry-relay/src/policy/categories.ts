/** What the relay sends, in groups an installation can switch off (health and heartbeat excepted). */
export const CATEGORIES = ['host', 'service', 'application', 'health', 'heartbeat', 'problems', 'usage'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The operations center must always see that an installation is alive and healthy. */
export const MANDATORY_CATEGORIES: readonly Category[] = ['health', 'heartbeat'];

/**
 * Metric name → category, first match wins. A metric no rule names is not sent: new metrics
 * leave the installation only once someone has decided which category they belong to.
 */
export const METRIC_CATEGORY_RULES: ReadonlyArray<{ match: string; category: Category; what: string }> = [
  { match: 'system.', category: 'host', what: 'host CPU, memory, network, file systems' },
  { match: 'process.', category: 'host', what: 'process CPU and memory' },
  { match: 'nodejs.', category: 'host', what: 'event-loop delay, time and utilisation' },
  { match: 'v8js.', category: 'host', what: 'V8 heap spaces and garbage collection' },
  { match: 'http.server.', category: 'service', what: 'HTTP request duration and count by route and status' },
  { match: 'db.client.', category: 'service', what: 'database pool use and query duration' },
  { match: 'meshtrail.store.', category: 'service', what: 'duration of the ingest batch writes by table' },
  { match: 'meshtrail.kafka.', category: 'service', what: 'Kafka consumer lag, records, batches; producer sends' },
  { match: 'meshtrail.dead_letters', category: 'service', what: 'dead letters by source topic and reason' },
  { match: 'meshtrail.access_log.', category: 'service', what: 'access-log records published and dropped' },
  { match: 'meshtrail.telemetry.', category: 'service', what: 'telemetry export and relay internals' },
  {
    match: 'meshtrail.api.rate_limited',
    category: 'service',
    what: 'requests refused by the rate limits, by principal kind',
  },
  {
    match: 'meshtrail.api.heavy_reads_refused',
    category: 'service',
    what: 'exports and searches refused as too many at once',
  },
  {
    match: 'meshtrail.keycloak_feed.',
    category: 'service',
    what: "the Keycloak event feed's polls and events, by kind",
  },
  { match: 'meshtrail.audit.duplicates', category: 'service', what: 'redelivered audit events skipped' },
  { match: 'meshtrail.projection.', category: 'service', what: 'read-model projection progress and lag' },
  { match: 'meshtrail.seal.', category: 'service', what: 'checkpoint sealing progress and age' },
  { match: 'meshtrail.retention.', category: 'service', what: 'retention runs, rows and partitions deleted, by kind' },
  { match: 'meshtrail.objects.', category: 'application', what: 'objects by type (workspaces, projects, ...)' },
  { match: 'meshtrail.audit.events_ingested', category: 'application', what: 'events ingested by type and action' },
  { match: 'meshtrail.health.', category: 'health', what: 'service, broker and database status and version' },
  { match: 'meshtrail.heartbeat', category: 'heartbeat', what: 'the relay is alive' },
  { match: 'meshtrail.heartbeat.', category: 'heartbeat', what: 'relay uptime' },
  { match: 'meshtrail.problems', category: 'problems', what: 'failed retention runs, stalled consumers, backlogs' },
];

export function categoryOf(metricName: string): Category | undefined {
  for (const rule of METRIC_CATEGORY_RULES) {
    const exact = !rule.match.endsWith('.');
    if (exact ? metricName === rule.match : metricName.startsWith(rule.match)) return rule.category;
  }
  return undefined;
}
