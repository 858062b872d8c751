export { AppLogger } from './logging/app-logger';
export { configureLogging, type LoggingOptions } from './logging/root-logger';
export { createNestLogger } from './logging/nest-logger';
export { logLevelFromName, type Level, type LogFields } from './logging/log-level';
export { formatText } from './logging/text-line';
export { HealthModule, type HealthModuleOptions } from './health/health.module';
export { HealthService } from './health/health.service';
export { withTimeout } from './with-timeout';
export type {
  ComponentHealth,
  CompositeHealth,
  HealthIndicator,
  HealthProblem,
  HealthStatus,
} from './health/health.types';
export { startTelemetry, currentTelemetry, type TelemetryHandle, type TelemetryOptions } from './telemetry/telemetry';
export { MetricsController } from './telemetry/metrics.controller';
export { OtlpPushReader, type OtlpSink } from './telemetry/otlp-push.reader';
export { traceBatchWrite, traceConsumedBatch, producerLinks, type RecordHeaders } from './telemetry/batch-write.trace';
export { withSpan, errorType } from './telemetry/with-span';
export { VersionController } from './version/version.controller';
export { readBuildInfo, type BuildInfo } from './build-info';
export { bootstrapService, runService, type ServiceBootstrapOptions } from './bootstrap/bootstrap-service';
export {
  escapeControls,
  escapeText,
  escapeToken,
  formatAccessLine,
  parseAccessLine,
  roundDurationMs,
  unescapeAccessField,
  type AccessLineFields,
} from './access-log/access-line';
export { maskSecretQueryValues, isSecretParameter } from './access-log/query-masking';
export { TrustedProxies, resolveClientAddress, normaliseAddress } from './access-log/client-address';
export { AccessLogPublisher, type AccessLogPublisherOptions } from './access-log/access-log-publisher';
export { BatchedLineWriter } from './access-log/line-writer';
export {
  createAccessLogMiddleware,
  CLIENT_CLOSED_REQUEST,
  type AccessLogCaptureOptions,
  type AccessLogMiddleware,
} from './access-log/access-log.middleware';
export { GLOBAL_HTTP_MIDDLEWARE } from './bootstrap/global-middleware';
