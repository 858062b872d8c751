export { AppLogger, configureLogging, logLevelFromName, type LoggingOptions } from './logging/app-logger';
export { NestLoggerAdapter } from './logging/nest-logger.adapter';
export { formatJson, formatText } from './logging/log-format';
export type { Level, LogFields, LogRecord } from './logging/log-record';
export { HealthModule, type HealthModuleOptions } from './health/health.module';
export { HealthService } from './health/health.service';
export { aggregateHealth, httpStatusFor, withTimeout } from './health/health-aggregation';
export type { ComponentHealth, CompositeHealth, HealthIndicator, HealthStatus } from './health/health.types';
export { startTelemetry, currentTelemetry, type TelemetryHandle, type TelemetryOptions } from './telemetry/telemetry';
export { MetricsController } from './telemetry/metrics.controller';
export { OtlpPushReader, type OtlpSink } from './telemetry/otlp-push.reader';
export { traceBatchWrite, producerLinks, type RecordHeaders } from './telemetry/batch-write.trace';
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
