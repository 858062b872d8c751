import fs from 'node:fs';

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times, on every common architecture. */
const TICKS_PER_SECOND = 100;

/** CPU time a local process has used so far (user and system), in seconds; undefined when it cannot be read. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command name, which is in parentheses and may contain spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
