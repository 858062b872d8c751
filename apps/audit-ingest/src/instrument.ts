// Imported first by main.ts: OpenTelemetry must be running before Nest, kafkajs and pg load.
import { readBuildInfo } from '@meshtrail/observability/build-info';
import { startTelemetry } from '@meshtrail/observability/telemetry/telemetry';

startTelemetry('meshtrail-audit-ingest', readBuildInfo().package);
