import { compareTrailPositions, type TrailPosition } from '@meshtrail/audit-store';
import { checkpointHash, type SignedCheckpoint } from '../checkpoint/checkpoint';
import { signatureValid, type PublicKeySet } from '../checkpoint/seal-keys';
import {
  decodeLeaves,
  encodeLeaf,
  entryDigestOfEvent,
  leafHashes,
  microsToIso,
  positionKey,
  type SealedLeaf,
} from '../checkpoint/sealed-leaf';
import { leafHash, merkleRoot } from '../merkle/merkle-tree';
import { at, type Finding, type VerifyReport } from './findings';

/** One stored event as verification reads it (from the database or an export line). */
export interface TrailEntry {
  id: string;
  position: TrailPosition;
  occurredUs: bigint;
  /** The raw event as stored: its canonical form is hashed again here. */
  event: unknown;
}

interface Present {
  id: string;
  position: TrailPosition;
  occurredUs: bigint;
  entry: Buffer;
}

interface Slot {
  leaf: SealedLeaf;
  index: number;
  accounted: boolean;
}

/**
 * Verifies a trail against its checkpoints. Feed every stored event with add() (any order),
 * then finish(). Memory: a few dozen bytes per event beside its id.
 */
export class TrailVerifier {
  private readonly findings: Finding[] = [];
  private readonly chain: SignedCheckpoint[];
  private readonly events: SignedCheckpoint[];
  private readonly trusted = new Set<number>();
  private readonly buckets = new Map<number, Present[]>();
  private readonly uncovered: Present[] = [];
  private readonly purgeCutoffUs: bigint | undefined;
  private readonly lastSealed: TrailPosition | undefined;
  private unsealed = 0;

  constructor(
    checkpoints: readonly SignedCheckpoint[],
    private readonly keys: PublicKeySet,
  ) {
    this.chain = [...checkpoints].sort((a, b) => a.number - b.number);
    this.checkChain();
    this.events = this.chain.filter((c) => c.kind === 'events').sort((a, b) => compareTrailPositions(a.last, b.last));
    this.lastSealed = this.chain.length
      ? this.chain
          .map((c) => c.last)
          .sort(compareTrailPositions)
          .at(-1)
      : undefined;
    const cutoffs = this.chain
      .filter((c) => c.kind === 'purge' && c.purge && this.trusted.has(c.number))
      .map((c) => Date.parse(c.purge!.cutoff))
      .filter((ms) => !Number.isNaN(ms))
      .map((ms) => BigInt(ms) * 1000n);
    this.purgeCutoffUs = cutoffs.length ? cutoffs.reduce((a, b) => (a > b ? a : b)) : undefined;
  }

  add(entry: TrailEntry): void {
    const present: Present = {
      id: entry.id,
      position: entry.position,
      occurredUs: entry.occurredUs,
      entry: entryDigestOfEvent(entry.id, entry.event),
    };
    const checkpoint = this.covering(entry.position);
    if (checkpoint) {
      const bucket = this.buckets.get(checkpoint.number) ?? [];
      bucket.push(present);
      this.buckets.set(checkpoint.number, bucket);
    } else if (!this.lastSealed || compareTrailPositions(entry.position, this.lastSealed) > 0) {
      this.unsealed++;
    } else {
      this.uncovered.push(present);
    }
  }

  finish(): VerifyReport {
    let verified = 0;
    let purged = 0;
    for (const checkpoint of this.events) {
      const bucket = this.buckets.get(checkpoint.number) ?? [];
      if (!this.trusted.has(checkpoint.number)) continue;
      const result = this.compare(checkpoint, bucket);
      verified += result.verified;
      purged += result.purged;
    }
    const missingCheckpoints = this.findings.some((f) => f.problem === 'checkpoint-missing');
    if (missingCheckpoints && this.uncovered.length > 0) {
      const positions = this.uncovered.map((event) => event.position).sort(compareTrailPositions);
      this.findings.push({
        problem: 'checkpoint-missing',
        count: positions.length,
        position: positions[0],
        lastPosition: positions[positions.length - 1],
        message: `${positions.length} events from ${at(positions[0])} to ${at(positions[positions.length - 1])} stand where the missing checkpoints were: they cannot be verified`,
      });
    } else {
      for (const event of this.uncovered) {
        this.findings.push({
          problem: 'event-inserted',
          id: event.id,
          position: event.position,
          message: `event ${event.id} at ${at(event.position)} was inserted between checkpoints: no checkpoint covers its position`,
        });
      }
    }
    return {
      ok: this.findings.length === 0,
      checkpoints: this.chain.length,
      eventsVerified: verified,
      eventsPurged: purged,
      eventsUnsealed: this.unsealed,
      findings: this.findings,
    };
  }

  /** Numbers without gaps from 1, each checkpoint signed by a known key, naming its predecessor's hash and range. */
  private checkChain(): void {
    let expected = 1;
    // the checkpoint before, when its signature holds: a forged one is reported as such, not as a broken link too
    let previous: SignedCheckpoint | undefined;
    for (const checkpoint of this.chain) {
      if (checkpoint.number > expected) {
        const count = checkpoint.number - expected;
        this.findings.push({
          problem: 'checkpoint-missing',
          checkpoint: expected,
          count,
          message:
            count === 1
              ? `checkpoint ${expected} is missing (the chain goes from ${expected - 1} to ${checkpoint.number})`
              : `checkpoints ${expected} to ${checkpoint.number - 1} are missing`,
        });
        previous = undefined;
      } else if (checkpoint.number < expected) {
        this.findings.push({
          problem: 'chain-broken',
          checkpoint: checkpoint.number,
          message: `checkpoint ${checkpoint.number} appears more than once`,
        });
        continue;
      }
      expected = checkpoint.number + 1;
      const valid = signatureValid(checkpoint, this.keys);
      if (!valid) {
        this.findings.push({
          problem: 'checkpoint-signature-invalid',
          checkpoint: checkpoint.number,
          message: this.keys.has(checkpoint.keyId)
            ? `checkpoint ${checkpoint.number}: its signature does not match its content (key ${checkpoint.keyId}); the events it covers cannot be verified`
            : `checkpoint ${checkpoint.number}: signed by key ${checkpoint.keyId}, which is not among the trusted public keys`,
        });
      } else if (this.leavesMatch(checkpoint)) {
        this.trusted.add(checkpoint.number);
      }
      if (previous && valid) {
        const linked = checkpoint.previous === checkpointHash(previous);
        const adjoins = compareTrailPositions(checkpoint.after, previous.last) === 0;
        if (!linked || !adjoins) {
          this.findings.push({
            problem: 'chain-broken',
            checkpoint: checkpoint.number,
            message: !linked
              ? `checkpoint ${checkpoint.number} does not name checkpoint ${previous.number}'s hash as its predecessor`
              : `checkpoint ${checkpoint.number} starts after ${at(checkpoint.after)}, not where checkpoint ${previous.number} ended ${at(previous.last)}`,
          });
        }
      } else if (valid && checkpoint.number === 1 && checkpoint.previous !== null) {
        this.findings.push({
          problem: 'chain-broken',
          checkpoint: 1,
          message: 'checkpoint 1 names a predecessor: checkpoints before it are gone',
        });
      }
      previous = valid ? checkpoint : undefined;
    }
  }

  /** Whether a signed checkpoint's leaf list is the one its root commits to (else checkpoint-altered). */
  private leavesMatch(checkpoint: SignedCheckpoint): boolean {
    const bytes = Buffer.from(checkpoint.leaves, 'base64');
    const leaves = decodeLeaves(bytes);
    const ok =
      leaves !== undefined &&
      leaves.length === checkpoint.count &&
      merkleRoot(leafHashes(bytes)).toString('hex') === checkpoint.root;
    if (!ok) {
      this.findings.push({
        problem: 'checkpoint-altered',
        checkpoint: checkpoint.number,
        message: `checkpoint ${checkpoint.number}: its leaf list does not match its signed root (${checkpoint.count} events sealed)`,
      });
    }
    return ok;
  }

  private covering(position: TrailPosition): SignedCheckpoint | undefined {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareTrailPositions(this.events[mid].last, position) < 0) low = mid + 1;
      else high = mid;
    }
    const candidate = this.events[low];
    return candidate && compareTrailPositions(candidate.after, position) < 0 ? candidate : undefined;
  }

  /** Matches the events present in a checkpoint's range against its sealed leaves and names every difference. */
  private compare(checkpoint: SignedCheckpoint, present: Present[]): { verified: number; purged: number } {
    const leaves = decodeLeaves(Buffer.from(checkpoint.leaves, 'base64'))!;
    const slots = new Map<string, Slot>();
    const byEntry = new Map<string, Slot[]>();
    leaves.forEach((leaf, index) => {
      const slot = { leaf, index, accounted: false };
      slots.set(positionKey(leaf.position), slot);
      const key = leaf.entry.toString('hex');
      byEntry.set(key, [...(byEntry.get(key) ?? []), slot]);
    });
    let verified = 0;
    const differing: Array<{ event: Present; slot?: Slot }> = [];
    for (const event of present) {
      const slot = slots.get(positionKey(event.position));
      if (slot && !slot.accounted && slot.leaf.entry.equals(event.entry) && slot.leaf.occurredUs === event.occurredUs) {
        slot.accounted = true;
        verified++;
      } else {
        differing.push({ event, slot });
      }
    }
    const number = checkpoint.number;
    for (const { event, slot } of differing.sort((a, b) => compareTrailPositions(a.event.position, b.event.position))) {
      const moved = (byEntry.get(event.entry.toString('hex')) ?? []).find(
        (candidate) => !candidate.accounted && positionKey(candidate.leaf.position) !== positionKey(event.position),
      );
      if (moved) {
        moved.accounted = true;
        this.findings.push({
          problem: 'events-reordered',
          checkpoint: number,
          id: event.id,
          position: event.position,
          sealedAt: moved.leaf.position,
          message: `event ${event.id} was sealed at ${at(moved.leaf.position)} and now stands at ${at(event.position)} (checkpoint ${number})`,
        });
      } else if (slot && !slot.accounted) {
        slot.accounted = true;
        const how = slot.leaf.entry.equals(event.entry)
          ? `its time changed from ${microsToIso(slot.leaf.occurredUs)} to ${microsToIso(event.occurredUs)}`
          : 'its content or id differs from what was sealed';
        this.findings.push({
          problem: 'event-modified',
          checkpoint: number,
          id: event.id,
          position: event.position,
          message: `event ${event.id} at ${at(event.position)} was modified: ${how} (checkpoint ${number})`,
        });
      } else {
        this.findings.push({
          problem: 'event-inserted',
          checkpoint: number,
          id: event.id,
          position: event.position,
          message: `event ${event.id} at ${at(event.position)} was inserted: checkpoint ${number} sealed no event there`,
        });
      }
    }
    return { verified, purged: this.reportMissing(number, leaves, slots) };
  }

  /** Sealed events not found: removed by a signed purge, or missing (consecutive ones reported as one run). */
  private reportMissing(number: number, leaves: SealedLeaf[], slots: Map<string, Slot>): number {
    let purged = 0;
    let run: SealedLeaf[] = [];
    const flush = () => {
      if (run.length === 0) return;
      const [first, last] = [run[0], run[run.length - 1]];
      this.findings.push({
        problem: 'event-missing',
        checkpoint: number,
        position: first.position,
        count: run.length,
        ...(run.length > 1 ? { lastPosition: last.position } : {}),
        message:
          run.length === 1
            ? `the event sealed at ${at(first.position)}, which occurred at ${microsToIso(first.occurredUs)}, is missing (checkpoint ${number})`
            : `${run.length} events sealed from ${at(first.position)} to ${at(last.position)}, which occurred from ${microsToIso(first.occurredUs)} to ${microsToIso(last.occurredUs)}, are missing (checkpoint ${number})`,
      });
      run = [];
    };
    for (const leaf of leaves) {
      const slot = slots.get(positionKey(leaf.position))!;
      if (slot.accounted) {
        flush();
      } else if (this.purgeCutoffUs !== undefined && leaf.occurredUs < this.purgeCutoffUs) {
        purged++;
        flush();
      } else {
        run.push(leaf);
      }
    }
    flush();
    return purged;
  }
}

/** The leaf hash one event has in its checkpoint (for inclusion proofs). */
export function leafHashOf(leaf: SealedLeaf): Buffer {
  return leafHash(encodeLeaf(leaf));
}
