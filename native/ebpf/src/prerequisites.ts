import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { nativePaths } from './addon.js';
import { cgroupMounts, readMounts, tracefsMount, type CgroupMounts } from './mounts.js';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

export const DEFAULT_BTF_PATH = '/sys/kernel/btf/vmlinux';
export const DEFAULT_TRACEFS_PATH = '/sys/kernel/tracing';

export interface PrerequisiteOptions {
  /** What the probes attach to: tracepoints need CAP_PERFMON and tracefs, cgroup skb CAP_NET_ADMIN and cgroup v2. */
  needs: 'tracing' | 'cgroup-skb';
  btfPath?: string;
  tracefsPath?: string;
  /** Mount tracefs when it is not mounted (needs CAP_SYS_ADMIN). */
  mountTracefs?: boolean;
  /** Effective capability set (hex, as in /proc/self/status); read from the process when absent. */
  capEffHex?: string;
}

export interface PrerequisiteReport {
  /** Each thing that is missing, in words an operator can act on; empty when all is there. */
  missing: string[];
  cgroups: CgroupMounts;
  tracefs?: string;
}

/** eBPF cannot run here; the message names everything that is missing. */
export class EbpfUnavailableError extends Error {
  readonly missing: string[];
  constructor(component: string, missing: string[]) {
    super(`${component} cannot start: ${missing.join('; ')}`);
    this.name = 'EbpfUnavailableError';
    this.missing = missing;
  }
}

export function effectiveCapabilities(statusText = readFileSync('/proc/self/status', 'utf8')): bigint {
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(statusText);
  return match?.[1] ? BigInt(`0x${match[1]}`) : 0n;
}

const has = (caps: bigint, cap: bigint): boolean => (caps & (1n << cap)) !== 0n;

function privilegeProblem(caps: bigint, needs: PrerequisiteOptions['needs']): string | undefined {
  if (has(caps, CAP_SYS_ADMIN)) return undefined;
  const second = needs === 'tracing' ? CAP_PERFMON : CAP_NET_ADMIN;
  const secondName = needs === 'tracing' ? 'CAP_PERFMON' : 'CAP_NET_ADMIN';
  const lacking = [has(caps, CAP_BPF) ? undefined : 'CAP_BPF', has(caps, second) ? undefined : secondName].filter((name): name is string => name !== undefined);
  if (lacking.length === 0) return undefined;
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  return `missing privilege: ${lacking.join(' and ')} (or CAP_SYS_ADMIN); the agent runs as uid ${uid} without them`;
}

function tracefsProblem(options: PrerequisiteOptions, mounted: string | undefined, caps: bigint): { problem?: string; path?: string } {
  const wanted = options.tracefsPath ?? DEFAULT_TRACEFS_PATH;
  if (mounted && existsSync(`${mounted}/events`)) return { path: mounted };
  if (existsSync(`${wanted}/events`)) return { path: wanted };
  if (options.mountTracefs !== false && has(caps, CAP_SYS_ADMIN)) {
    try {
      execFileSync('mount', ['-t', 'tracefs', 'nodev', wanted], { stdio: 'pipe' });
      if (existsSync(`${wanted}/events`)) return { path: wanted };
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      return { problem: `missing tracefs: not mounted and 'mount -t tracefs nodev ${wanted}' failed (${stderr || (error as Error).message})` };
    }
  }
  return { problem: `missing tracefs: not mounted at ${wanted} (mount -t tracefs nodev ${wanted})` };
}

/** Checks privilege, kernel BTF, tracefs / cgroup v2 and the native build before loading anything. */
export function checkPrerequisites(options: PrerequisiteOptions): PrerequisiteReport {
  const missing: string[] = [];
  const caps = options.capEffHex !== undefined ? BigInt(`0x${options.capEffHex}`) : effectiveCapabilities();
  const privilege = privilegeProblem(caps, options.needs);
  if (privilege) missing.push(privilege);

  const btf = options.btfPath ?? DEFAULT_BTF_PATH;
  try {
    accessSync(btf, constants.R_OK);
  } catch {
    missing.push(`missing kernel BTF: ${btf} is not readable (a kernel built with CONFIG_DEBUG_INFO_BTF is needed)`);
  }

  const mounts = readMounts();
  const cgroups = cgroupMounts(mounts);
  let tracefs: string | undefined;
  if (options.needs === 'tracing') {
    const result = privilege ? { path: tracefsMount(mounts) } : tracefsProblem(options, tracefsMount(mounts), caps);
    if (result.problem) missing.push(result.problem);
    tracefs = result.path;
  } else if (!cgroups.unified) {
    missing.push('missing cgroup v2: no cgroup2 filesystem is mounted (the DNS capture attaches to its root)');
  }

  if (!existsSync(nativePaths.addon)) missing.push(`missing native build: ${nativePaths.addon} (run tools/setup.d/40-ebpf.sh)`);
  return { missing, cgroups, ...(tracefs ? { tracefs } : {}) };
}

/** Explains an errno from loading or attaching in the same words as the checks above. */
export function explainLoadFailure(step: string, errno: number, detail: string): string {
  const lines = detail.trim().split('\n').filter((line) => !line.startsWith(';'));
  const tail = lines.slice(-4).join(' | ');
  const verifier = /-- END PROG LOAD LOG --|processed \d+ insns/.test(detail);
  if (step === 'load' && verifier) return `the BPF verifier rejected the programs of this kernel: ${tail}`;
  if (errno === 1 || errno === 13) return `missing privilege: the kernel refused to ${step} BPF programs (${errno === 1 ? 'EPERM' : 'EACCES'})${tail ? `: ${tail}` : ''}`;
  if (errno === 2 && step.startsWith('attach')) return `cannot ${step}: the tracepoint does not exist on this kernel (ENOENT)${tail ? `: ${tail}` : ''}`;
  return `cannot ${step} BPF programs (errno ${errno})${tail ? `: ${tail}` : ''}`;
}
