/**
 * Attribute (label) names known to be safe: bounded enumerations that describe the software, never
 * the customer. Everything else is removed (fail closed), unless it is on the deny list and the
 * relay is in HMAC mode, where it is kept with a keyed hash as its value.
 */
export const SAFE_POINT_LABELS: readonly string[] = [
  // HTTP (route templates, never raw paths)
  'http.route',
  'http.request.method',
  'http.response.status_code',
  'url.scheme',
  'network.protocol.version',
  'error.type',
  // database (not the pool name: the instrumentation names the pool host:port/database)
  'db.system.name',
  'db.client.connection.state',
  'db.operation.name',
  'db.collection.name',
  // Kafka
  'topic',
  'group',
  'partition',
  // host and process
  'system.cpu.logical_number',
  'system.cpu.state',
  'system.memory.state',
  'system.device',
  'network.io.direction',
  'process.cpu.state',
  'nodejs.eventloop.state',
  'v8js.heap.space.name',
  'v8js.gc.type',
  'system.filesystem.state',
  'system.filesystem.mountpoint',
  // application and health
  'object_type',
  'action',
  'reason',
  'service',
  'component',
  'status',
  'version',
  'commit',
  'category',
  'result',
  // kinds of principals, stores, failures and checkpoints; retention runs' trigger and dryness
  'kind',
  'trigger',
  'dry_run',
  // which heavy read (export, search) and which limit refused it
  'read',
  'limit',
  // problems (meshtrail.problems): made by the services from bounded words, values checked like any other
  'type',
  'severity',
  'description',
];

/**
 * Resource attributes that may leave: what the software is and which replica, never where it runs.
 * host.name, host.id, process.command_args, process.executable.path, process.owner, process.pid
 * and anything unknown are removed (a host name or a command line can name the customer).
 */
export const SAFE_RESOURCE_ATTRIBUTES: readonly string[] = [
  'service.name',
  'service.version',
  'service.instance.id',
  'service.namespace',
  'telemetry.sdk.name',
  'telemetry.sdk.language',
  'telemetry.sdk.version',
  'process.runtime.name',
  'process.runtime.version',
  'host.arch',
  'os.type',
];

/** Label names that identify customers: dropped, or hashed with a key (matched on name tokens, any case). */
export const DEFAULT_DENY_LABELS: readonly string[] = [
  'workspace',
  'project',
  'tenant',
  'platform',
  'user',
  'username',
  'customer',
  'owner',
  'actor',
  'principal',
  'email',
  'mail',
  'account',
  'organization',
  'org',
  'member',
  'subject',
  'landing_zone',
  'building_block',
  'ip',
  'enduser',
];

/** The resource attribute the relay adds to everything: which installation sent it. */
export const INSTALLATION_ATTRIBUTE = 'meshtrail.installation.id';

/** Usage-event properties known to be safe (fail closed, like labels). */
export const SAFE_USAGE_PROPS: readonly string[] = ['feature', 'page', 'action', 'object_type', 'result', 'source'];
