// @tapio/ebpf-native: the kernel-facing layer shared by Tapio's eBPF collectors. The
// addon (addon/*.cc) only loads, attaches and drains the probes (bpf/*.bpf.c); this
// package adds what every eBPF collector needs around it: prerequisite checks with
// clear errors, batch framing, boot-clock conversion and cgroup attribution.
export { loadAddon, nativePaths, isNativeProbeError } from './addon.js';
export type { NativeAddon, NativeSession, NativeSessionOptions, NativeCounters, NativeProbeError } from './addon.js';
export { ProbeSession, splitBatch } from './probe-session.js';
export type { ProbeSetName, RecordHandler, ProbeCounters, ProbeSessionHandlers } from './probe-session.js';
export { BootClock } from './boot-clock.js';
export { checkPrerequisites, explainLoadFailure, effectiveCapabilities, EbpfUnavailableError, DEFAULT_BTF_PATH, DEFAULT_TRACEFS_PATH } from './prerequisites.js';
export type { PrerequisiteOptions, PrerequisiteReport } from './prerequisites.js';
export { parseMountInfo, readMounts, cgroupMounts, tracefsMount } from './mounts.js';
export type { MountEntry, CgroupMounts } from './mounts.js';
export { CgroupResolver } from './cgroups/cgroup-resolver.js';
export { parseCgroupPath } from './cgroups/kube-cgroup.js';
export type { CgroupIdentity } from './cgroups/kube-cgroup.js';
export { CgroupAttributor } from './cgroups/attribution.js';
export type { Attribution } from './cgroups/attribution.js';
export { readBtfStructs } from './btf-layout.js';
export type { BtfStruct, BtfMember } from './btf-layout.js';
export { struct, RecordReader } from './struct-layout.js';
export type { StructLayout, FieldLayout } from './struct-layout.js';
export { formatAddress, ADDRESS_FAMILY } from './ip-address.js';
