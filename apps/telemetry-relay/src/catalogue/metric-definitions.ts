/**
 * Every metric a meshtrail service emits: its exact OpenTelemetry name, instrument, unit and the
 * labels it carries before scrubbing. The catalogue (what leaves, in which category, with which
 * labels) is computed from these and the relay's policy, never written by hand. Two tests keep
 * this list whole: one reads every instrument the source creates, one runs the services and
 * compares what they push and what the operations center receives.
 */
export type InstrumentType = 'counter' | 'histogram' | 'gauge' | 'updowncounter';

export interface MetricDefinition {
  name: string;
  type: InstrumentType;
  unit: string;
  /** Label (attribute) names the metric is emitted with, before the relay scrubs them. */
  labels: readonly string[];
  /** Who creates it: meshtrail's own code, an OpenTelemetry instrumentation, or the relay itself. */
  origin: 'meshtrail' | 'instrumentation' | 'relay';
}

const m = (
  name: string,
  type: InstrumentType,
  labels: readonly string[] = [],
  unit = '',
  origin: MetricDefinition['origin'] = 'meshtrail',
): MetricDefinition => ({ name, type, unit, labels, origin });
const i = (name: string, type: InstrumentType, unit: string, labels: readonly string[] = []): MetricDefinition =>
  m(name, type, labels, unit, 'instrumentation');

const KAFKA_PARTITION = ['group', 'topic', 'partition'];
const HEAP_SPACE = ['v8js.heap.space.name'];

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  // host: the host-metrics and runtime instrumentations, and meshtrail's file-system gauges
  i('system.cpu.time', 'counter', 's', ['system.cpu.logical_number', 'system.cpu.state']),
  i('system.cpu.utilization', 'gauge', '', ['system.cpu.logical_number', 'system.cpu.state']),
  i('system.memory.usage', 'gauge', '', ['system.memory.state']),
  i('system.memory.utilization', 'gauge', '', ['system.memory.state']),
  i('system.network.dropped', 'counter', '', ['system.device', 'network.io.direction']),
  i('system.network.errors', 'counter', '', ['system.device', 'network.io.direction']),
  i('system.network.io', 'counter', '', ['system.device', 'network.io.direction']),
  i('process.cpu.time', 'counter', 's', ['process.cpu.state']),
  i('process.cpu.utilization', 'gauge', '', ['process.cpu.state']),
  i('process.memory.usage', 'gauge', ''),
  m('system.filesystem.usage', 'gauge', ['system.filesystem.mountpoint', 'system.filesystem.state'], 'By'),
  m('system.filesystem.utilization', 'gauge', ['system.filesystem.mountpoint'], '1'),
  ...['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map((stat) =>
    i(`nodejs.eventloop.delay.${stat}`, 'gauge', 's'),
  ),
  i('nodejs.eventloop.utilization', 'gauge', '1'),
  i('nodejs.eventloop.time', 'counter', 's', ['nodejs.eventloop.state']),
  i('v8js.memory.heap.used', 'gauge', 'By', HEAP_SPACE),
  i('v8js.memory.heap.limit', 'gauge', 'By', HEAP_SPACE),
  i('v8js.memory.heap.space.available_size', 'gauge', 'By', HEAP_SPACE),
  i('v8js.memory.heap.space.physical_size', 'gauge', 'By', HEAP_SPACE),
  i('v8js.memory.heap.space.size', 'updowncounter', 'By', HEAP_SPACE),
  i('v8js.resource.active', 'gauge', '{resource}', ['v8js.resource.type']),
  i('v8js.gc.duration', 'histogram', 's', ['v8js.gc.type']),
  // service: HTTP, database, Kafka, the ingest's writes, the services' own machinery
  i('http.server.request.duration', 'histogram', 's', [
    'http.route',
    'http.request.method',
    'http.response.status_code',
    'url.scheme',
    'network.protocol.version',
    'error.type',
  ]),
  i('http.client.request.duration', 'histogram', 's', [
    'http.request.method',
    'http.response.status_code',
    'server.address',
    'server.port',
    'network.protocol.version',
    'error.type',
  ]),
  i('db.client.connection.count', 'updowncounter', '{connection}', [
    'db.client.connection.pool.name',
    'db.client.connection.state',
  ]),
  i('db.client.connection.max', 'updowncounter', '{connection}', ['db.client.connection.pool.name']),
  i('db.client.connection.pending_requests', 'updowncounter', '{connection}', ['db.client.connection.pool.name']),
  i('db.client.operation.duration', 'histogram', 's', [
    'db.system.name',
    'db.operation.name',
    'db.collection.name',
    'db.namespace',
    'server.address',
    'server.port',
    'error.type',
  ]),
  m('meshtrail.store.write.duration', 'histogram', ['db.collection.name', 'error.type'], 's'),
  m('meshtrail.kafka.consumer.records', 'counter', ['topic', 'group']),
  m('meshtrail.kafka.consumer.bytes', 'counter', ['topic', 'group']),
  m('meshtrail.kafka.consumer.batch.duration', 'histogram', ['topic', 'group'], 's'),
  m('meshtrail.kafka.consumer.batch_failures', 'counter', ['topic', 'group', 'kind']),
  m('meshtrail.kafka.consumer.isolated_records', 'counter', ['topic', 'group']),
  m('meshtrail.kafka.consumer.lag', 'gauge', KAFKA_PARTITION),
  m('meshtrail.kafka.consumer.since_advance', 'gauge', KAFKA_PARTITION, 's'),
  m('meshtrail.kafka.consumer.stalled', 'gauge', KAFKA_PARTITION),
  m('meshtrail.kafka.consumer.systemic', 'gauge', ['group']),
  m('meshtrail.kafka.producer.records', 'counter', ['topic']),
  m('meshtrail.kafka.producer.failures', 'counter', ['topic']),
  m('meshtrail.dead_letters', 'counter', ['topic', 'reason']),
  m('meshtrail.access_log.published', 'counter'),
  m('meshtrail.access_log.dropped', 'counter'),
  m('meshtrail.access_log.buffered', 'gauge'),
  m('meshtrail.telemetry.export.failures', 'counter'),
  m('meshtrail.telemetry.relay.sent', 'counter', ['category']),
  m('meshtrail.telemetry.relay.failures', 'counter', ['result']),
  m('meshtrail.telemetry.relay.filtered', 'counter', ['reason']),
  m('meshtrail.telemetry.relay.labels_removed', 'counter', ['reason']),
  m('meshtrail.telemetry.relay.queue.bytes', 'gauge', [], 'By'),
  m('meshtrail.telemetry.relay.queue.dropped', 'counter', ['category']),
  m('meshtrail.telemetry.relay.rejected_records', 'counter'),
  m('meshtrail.telemetry.relay.usage_rejected', 'counter', ['reason']),
  m('meshtrail.telemetry.relay.registered', 'gauge'),
  m('meshtrail.api.rate_limited', 'counter', ['kind']),
  m('meshtrail.api.heavy_reads_refused', 'counter', ['read', 'limit']),
  m('meshtrail.keycloak_feed.events', 'counter', ['realm', 'kind']),
  m('meshtrail.keycloak_feed.failures', 'counter'),
  m('meshtrail.keycloak_feed.age', 'gauge', [], 's'),
  m('meshtrail.audit.duplicates', 'counter', ['topic']),
  m('meshtrail.projection.events', 'counter'),
  m('meshtrail.projection.lag', 'gauge', [], 's'),
  m('meshtrail.seal.events', 'counter'),
  m('meshtrail.seal.checkpoints', 'counter', ['kind']),
  m('meshtrail.seal.age', 'gauge', [], 's'),
  m('meshtrail.retention.runs', 'counter', ['trigger', 'dry_run', 'status']),
  m('meshtrail.retention.runs_skipped', 'counter', ['reason']),
  m('meshtrail.retention.rows_deleted', 'counter', ['kind']),
  m('meshtrail.retention.partitions_dropped', 'counter', ['kind']),
  m('meshtrail.retention.run.duration', 'histogram', ['dry_run'], 's'),
  m('meshtrail.retention.last_run.timestamp', 'gauge', ['dry_run'], 's'),
  m('meshtrail.retention.last_run.success', 'gauge', ['dry_run']),
  m('meshtrail.retention.last_run.rows_deleted', 'gauge', ['dry_run']),
  m('meshtrail.auth.failures', 'counter', ['reason']),
  m('meshtrail.auth.events_ingested', 'counter', ['kind']),
  // application
  m('meshtrail.objects.count', 'gauge', ['object_type']),
  m('meshtrail.audit.events_ingested', 'counter', ['object_type', 'action']),
  // the relay's own exchanges
  m('meshtrail.health.status', 'gauge', ['service', 'component'], '1', 'relay'),
  m('meshtrail.health.info', 'gauge', ['service', 'version', 'commit'], '1', 'relay'),
  m('meshtrail.heartbeat', 'gauge', [], '1', 'relay'),
  m('meshtrail.heartbeat.uptime', 'gauge', [], '1', 'relay'),
  m('meshtrail.problems', 'gauge', ['service', 'component', 'type', 'severity', 'description'], '1', 'relay'),
];

/**
 * Metrics that never leave, and why. A metric here must not match a category rule; one that
 * matches neither a rule nor this list fails the catalogue's tests.
 */
export const STAYING_HOME: ReadonlyArray<{ match: string; reason: string }> = [
  {
    match: 'http.client.',
    reason: "outgoing requests are labelled with the server's address (the identity provider's, the center's)",
  },
  { match: 'messaging.', reason: 'the kafkajs instrumentation repeats meshtrail.kafka.* with client ids and topics' },
  {
    match: 'meshtrail.auth.',
    reason: "counts of the customer's sign-ins and refused credentials describe its users' behaviour, not the software",
  },
];
