import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseConnection } from '@meshtrail/database';
import { AppLogger } from '@meshtrail/observability';
import type { GatewayEnv } from '../gateway.env';
import { CheckpointsController } from './checkpoints.controller';
import { EventProofController } from './event-proof.controller';
import { PROOF_QUERY_TIMEOUT_MS, ProofStoreReader } from './proof-store.reader';
import { ProofsService, SEAL_PUBLIC_KEYS } from './proofs.service';
import { parseSealPublicKeys } from './seal-public-keys';

/** Proving the trail over the API: checkpoints, their public keys, and one event's inclusion proof. */
@Module({})
export class ProofsModule {
  static register(config: GatewayEnv): DynamicModule {
    const keys = parseSealPublicKeys(config.AUDIT_SEAL_PUBLIC_KEYS);
    if (keys.jwks.length === 0) {
      new AppLogger('Proofs').warn('Seal Public Keys Missing', {
        detail: 'AUDIT_SEAL_PUBLIC_KEYS is unset: proofs are served, their checkpoint signatures are not checked here',
      });
    }
    return {
      module: ProofsModule,
      controllers: [CheckpointsController, EventProofController],
      providers: [
        { provide: SEAL_PUBLIC_KEYS, useValue: keys },
        { provide: PROOF_QUERY_TIMEOUT_MS, useValue: config.QUERY_TIMEOUT_MS },
        {
          provide: ProofStoreReader,
          inject: [DatabaseConnection, PROOF_QUERY_TIMEOUT_MS],
          useFactory: (connection: DatabaseConnection, timeoutMs: number) =>
            new ProofStoreReader(connection, timeoutMs),
        },
        ProofsService,
      ],
    };
  }
}
