/**
 * A telemetry relay sending remote-write to a test operations center over plain http (hence the
 * insecure flag), with its queue in `queueDir`, exchanging health and heartbeat every second and
 * retrying fast: what the e2e tests of the relay share.
 */
export function relayToTestCenter(endpoint: string, queueDir: string): Record<string, string> {
  return {
    TELEMETRY_ALLOW_INSECURE: 'true',
    TELEMETRY_PROTOCOL: 'remote-write',
    TELEMETRY_ENDPOINT: endpoint,
    TELEMETRY_HEALTH_INTERVAL_MS: '1000',
    TELEMETRY_HEARTBEAT_INTERVAL_MS: '1000',
    TELEMETRY_QUEUE_DIR: queueDir,
    TELEMETRY_RETRY_INITIAL_MS: '200',
    TELEMETRY_RETRY_MAX_MS: '1000',
  };
}
