import { invalidParameter } from '../common/invalid-parameter';

const MAX_ID_LENGTH = 256;

/** An id from the path (an event's, a workspace's): 1 to MAX_ID_LENGTH characters, not only blanks. */
export function pathId(name: string, value: string): string {
  if (value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw invalidParameter(name, `must be 1 to ${MAX_ID_LENGTH} characters`);
  }
  // the filter trims what it is given: blanks alone would be refused there under another name
  if (value.trim() === '') throw invalidParameter(name, 'must not be only blanks');
  return value;
}
