import { classifyFailure, type FailureKind } from './failure-kind';

export interface IsolationResult<T> {
  /** Records handled successfully. */
  succeeded: number;
  /** Records that failed on their own, in order, with their errors. */
  failed: Array<{ record: T; index: number; error: unknown }>;
  /** Set when a failure was not the records' fault: nothing from `index` on was handled. */
  halt?: { index: number; kind: Exclude<FailureKind, 'record'>; error: unknown };
  /** Set when the caller said to stop (a rebalance or a shutdown): nothing is to be committed. */
  abandoned: boolean;
  /** Set when something worked while only failures were seen (confirmSystemic said so). */
  confirmedRecordCaused: boolean;
}

export interface IsolationOptions {
  /** Run before each attempt (a heartbeat, so a long isolation keeps the group membership). */
  beforeAttempt?: () => Promise<void>;
  /** Checked before each attempt, after beforeAttempt. */
  abandoned?: () => boolean;
  classify?: (error: unknown) => FailureKind;
  /**
   * Isolated failures, with not one success yet, after which the failure may be systemic: a
   * broken deployment fails every record, and is not to be dead-lettered record by record.
   */
  systemicAfter?: number;
  /**
   * Asked when `systemicAfter` is reached: true when the failure is systemic after all (stop),
   * false when something else still works (the failures are the records' own: go on isolating).
   * Without it, reaching `systemicAfter` stops.
   */
  confirmSystemic?: (error: unknown) => Promise<boolean>;
}

/**
 * Hands `records` to `handle` whole, and when that fails for a reason that belongs to the records,
 * splits the slice in halves, in order, until each failing record stands alone. The slices that
 * succeed are handled once each; a failure of the infrastructure stops the search where it hit.
 * A batch with one bad record costs about 2·log2(n) attempts.
 */
export async function isolateFailures<T>(
  records: T[],
  handle: (slice: T[]) => Promise<void>,
  options: IsolationOptions = {},
): Promise<IsolationResult<T>> {
  const classify = options.classify ?? classifyFailure;
  const systemicAfter = options.systemicAfter ?? Number.POSITIVE_INFINITY;
  const result: IsolationResult<T> = { succeeded: 0, failed: [], abandoned: false, confirmedRecordCaused: false };
  // something worked meanwhile: a slice of this batch, or the caller's check
  let workedSince = false;

  const attempt = async (from: number, to: number): Promise<boolean> => {
    await options.beforeAttempt?.();
    if (options.abandoned?.()) {
      result.abandoned = true;
      return false;
    }
    try {
      await handle(records.slice(from, to));
      result.succeeded += to - from;
      workedSince = true;
      return true;
    } catch (error) {
      const kind = classify(error);
      if (kind !== 'record') {
        result.halt = { index: from, kind, error };
        return false;
      }
      if (to - from === 1) {
        result.failed.push({ record: records[from], index: from, error });
        if (!workedSince && result.failed.length >= systemicAfter) {
          if (!options.confirmSystemic || (await options.confirmSystemic(error))) {
            result.halt = { index: 0, kind: 'systemic', error };
            return false;
          }
          workedSince = true;
          result.confirmedRecordCaused = true;
        }
        return true;
      }
      const middle = from + Math.ceil((to - from) / 2);
      return (await attempt(from, middle)) && (await attempt(middle, to));
    }
  };

  if (records.length > 0) await attempt(0, records.length);
  return result;
}
