import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseConnection } from '@meshtrail/database';
import { AUDIT_VIEW_TIMEOUT_MS, AuditViewRecorder } from '../events/audit/audit-view.recorder';
import type { GatewayEnv } from '../gateway.env';
import { CheckpointsController } from './checkpoints.controller';
import { EventProofController } from './event-proof.controller';
import { PROOF_READER_SETTINGS, ProofStoreReader, type ProofReaderSettings } from './proof-store.reader';
import { ProofsService, SEAL_PUBLIC_KEYS } from './proofs.service';
import { TrailExportController } from './trail-export.controller';
import { parseSealPublicKeys } from './seal-public-keys';

/** Proving the trail over the API: checkpoints, their public keys, and one event's inclusion proof. */
@Module({})
export class ProofsModule {
  static register(config: GatewayEnv): DynamicModule {
    const keys = parseSealPublicKeys(config.AUDIT_SEAL_PUBLIC_KEYS);
    return {
      module: ProofsModule,
      controllers: [CheckpointsController, EventProofController, TrailExportController],
      providers: [
        { provide: SEAL_PUBLIC_KEYS, useValue: keys },
        {
          provide: PROOF_READER_SETTINGS,
          useValue: {
            statementTimeoutMs: config.QUERY_TIMEOUT_MS,
            exportIdleTimeoutMs: config.EXPORT_IDLE_TIMEOUT_MS,
          } satisfies ProofReaderSettings,
        },
        {
          provide: ProofStoreReader,
          inject: [DatabaseConnection, PROOF_READER_SETTINGS],
          useFactory: (connection: DatabaseConnection, settings: ProofReaderSettings) =>
            new ProofStoreReader(connection, settings),
        },
        // the trail export is a read of every event, recorded as such
        { provide: AUDIT_VIEW_TIMEOUT_MS, useValue: config.AUDIT_VIEW_PUBLISH_TIMEOUT_MS },
        AuditViewRecorder,
        ProofsService,
      ],
    };
  }
}
