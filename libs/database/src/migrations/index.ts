import { MonthlyPartitions1763900000000 } from './1763900000000-monthly-partitions';
import { AuditEventStore1763910000000 } from './1763910000000-audit-event-store';
import { ApiKeys1763920000000 } from './1763920000000-api-keys';
import { EventQueryIndexes1763920000001 } from './1763920000001-event-query-indexes';
import { AccessLogs1763930000000 } from './1763930000000-access-logs';
import { TelemetryTransmissions1763940000000 } from './1763940000000-telemetry-transmissions';
import { Retention1763950000000 } from './1763950000000-retention';
import { WorkspaceChangeIndex1763960000000 } from './1763960000000-workspace-change-index';
import { DeadLetters1763970000000 } from './1763970000000-dead-letters';
import { ApiRateLimits1763980000000 } from './1763980000000-api-rate-limits';
import { LeanAppendPath1763990000000 } from './1763990000000-lean-append-path';
import { RegistryTimeIndex1763990000100 } from './1763990000100-registry-time-index';
import { TrailCheckpoints1763990000200 } from './1763990000200-trail-checkpoints';
import { PurgeCheckpointIndex1763990000250 } from './1763990000250-purge-checkpoint-index';
import { PartitionMoveLock1763990000260 } from './1763990000260-partition-move-lock';
import { KeycloakEventFeed1763990000300 } from './1763990000300-keycloak-event-feed';
import { ApiKeyScopesExpiry1763990000400 } from './1763990000400-api-key-scopes-expiry';
import { ServiceSettings1763990000410 } from './1763990000410-service-settings';
import { ProjectionSnapshots1763990000450 } from './1763990000450-projection-snapshots';
import { LeastPrivilege1763990000500 } from './1763990000500-least-privilege';
import { WorkspaceNames1763990000600 } from './1763990000600-workspace-names';
import { DeadLetterRetention1763990000700 } from './1763990000700-dead-letter-retention';
import { ServiceSettingsOwnRows1763990000800 } from './1763990000800-service-settings-own-rows';

/** Every migration, in order. Migrations are never edited once released: add a new one. */
export const MIGRATIONS: Function[] = [
  MonthlyPartitions1763900000000,
  AuditEventStore1763910000000,
  ApiKeys1763920000000,
  EventQueryIndexes1763920000001,
  AccessLogs1763930000000,
  TelemetryTransmissions1763940000000,
  Retention1763950000000,
  WorkspaceChangeIndex1763960000000,
  DeadLetters1763970000000,
  ApiRateLimits1763980000000,
  LeanAppendPath1763990000000,
  RegistryTimeIndex1763990000100,
  TrailCheckpoints1763990000200,
  PurgeCheckpointIndex1763990000250,
  PartitionMoveLock1763990000260,
  KeycloakEventFeed1763990000300,
  ApiKeyScopesExpiry1763990000400,
  ServiceSettings1763990000410,
  ProjectionSnapshots1763990000450,
  LeastPrivilege1763990000500,
  WorkspaceNames1763990000600,
  DeadLetterRetention1763990000700,
  ServiceSettingsOwnRows1763990000800,
];
