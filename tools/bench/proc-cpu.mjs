// CPU time of processes from /proc (Linux), for benchmarks that compare a figure with its
// peer by the CPU both used: on the shared 2-core machine the wall clock stretches with
// whatever else runs, the CPU each side used much less.
import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) a process used so far; `children`: what its reaped children
 * used instead (the peer run as a child process). `pid` may be 'self'. Undefined once gone.
 */
export function cpuSeconds(pid, children = false) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return children ? (Number(fields[13]) + Number(fields[14])) / 100 : (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
