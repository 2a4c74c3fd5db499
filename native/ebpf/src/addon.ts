import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The compiled addon's surface (addon/*.cc). */
export interface NativeCounters {
  cpus: number;
  slots: number;
  /** slot-major: values[slot * cpus + cpu] */
  values: BigUint64Array;
}

export interface NativeSession {
  stop(): Promise<void>;
  counters(): NativeCounters;
  running(): boolean;
}

export interface NativeSessionOptions {
  config?: Record<string, number | bigint | number[]>;
  disabled?: string[];
  cgroupPath?: string;
  pollMs?: number;
  maxBatchBytes?: number;
}

export type NativeBatchCallback = (batch: Buffer, records: number, errno: number) => void;

export interface NativeAddon {
  Session: new (probeSet: 'kernel' | 'dns', options: NativeSessionOptions, onBatch: NativeBatchCallback) => NativeSession;
  bootToWallOffsetNs(): bigint;
  pageSize(): number;
}

/** Thrown by the addon when opening, loading or attaching fails. */
export interface NativeProbeError extends Error {
  step: string;
  errno: number;
  detail: string;
}

export function isNativeProbeError(error: unknown): error is NativeProbeError {
  return error instanceof Error && typeof (error as Partial<NativeProbeError>).step === 'string' && typeof (error as Partial<NativeProbeError>).errno === 'number';
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where the build puts things (scripts/build.sh). */
export const nativePaths = {
  addon: `${packageRoot}build/Release/tapio_ebpf.node`,
  bpfObject: (probeSet: 'kernel' | 'dns'): string => `${packageRoot}build/bpf/${probeSet}.bpf.o`,
  header: (probeSet: 'kernel' | 'dns'): string => `${packageRoot}bpf/${probeSet}.h`,
  buildScript: `${packageRoot}scripts/build.sh`,
};

let loaded: NativeAddon | undefined;

/**
 * Loads the addon on first use (never at import time, so a machine without the native
 * build still runs the rest of Tapio). Throws one clear error when it is not built.
 */
export function loadAddon(): NativeAddon {
  if (loaded) return loaded;
  if (!existsSync(nativePaths.addon)) {
    throw new Error(`the eBPF addon is not built: ${nativePaths.addon} is missing (run tools/setup.d/40-ebpf.sh)`);
  }
  const require = createRequire(import.meta.url);
  loaded = require(nativePaths.addon) as NativeAddon;
  return loaded;
}
