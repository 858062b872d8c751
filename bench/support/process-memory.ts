import fs from 'node:fs';

/** A process's resident memory in MiB: now, and its peak since it started (VmRSS, VmHWM). */
export function processMemoryMiB(pid: number): { current: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { current: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Samples a process's resident memory every `everyMs` until stopped; stop() gives the largest seen, in MiB. */
export function sampleResidentMemory(pid: number, everyMs = 100): { stop(): number } {
  let largest = processMemoryMiB(pid).current;
  const timer = setInterval(() => {
    largest = Math.max(largest, processMemoryMiB(pid).current);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(largest, processMemoryMiB(pid).current);
    },
  };
}
