export {
  CHECKPOINT_FORMAT,
  checkpointHash,
  parseCheckpoint,
  signedBytes,
  type Checkpoint,
  type PurgeRecord,
  type SignedCheckpoint,
} from './checkpoint/checkpoint';
export {
  checkpointCovering,
  checkpointHeadCovering,
  lastCheckpoint,
  readCheckpoint,
  readCheckpointHeads,
  readCheckpoints,
  type CheckpointHead,
} from './checkpoint/checkpoint.store';
export {
  keyIdOf,
  publicKeyFiles,
  publicKeySet,
  signatureValid,
  signerFromPem,
  type CheckpointSigner,
  type PublicKeySet,
} from './checkpoint/seal-keys';
export {
  decodeLeaves,
  entryDigestOfEvent,
  isoToMicros,
  leafHashes,
  microsToIso,
  positionKey,
  type SealedLeaf,
} from './checkpoint/sealed-leaf';
// the RFC 6962 tree: hashes, roots, audit paths and their verification
export * from './merkle/merkle-tree';
export { requestPurgeSeal, SEALER_LOCK, sealNext, type SealOptions, type SealStep } from './seal/seal-next';
export type { Finding, Problem, VerifyReport } from './verify/findings';
export { leafHashOf, TrailVerifier, type TrailEntry } from './verify/trail-verifier';
export { readAllCheckpoints, verifyDatabase } from './verify/verify-database';
export { composeCheckpoint } from './seal/compose-checkpoint';
export { parseCheckpointLines, parseTrailLine } from './verify/export-lines';
export {
  checkEventProof,
  CheckpointProver,
  checkpointHeadOf,
  proveInclusion,
  type EventInclusionProof,
  type ProofChecks,
  type SignatureCheck,
} from './proof/event-proof';
export { checkpointLines, trailExportLines } from './verify/export-trail';
