import type { KubeletConfig } from './kubelet-config.js';
import type { KubeletSummary } from './kubelet-answers.js';
import type { KubeletRawData } from './kubelet-raw-data.js';

export type PressureChange = { type: 'node_pressure' | 'node_pressure_relieved'; data: KubeletRawData<'node_pressure'> };

interface Signal {
  resource: 'memory' | 'disk' | 'pid';
  signal: string;
  observed: number;
  threshold: number;
  unit: 'bytes' | 'percent';
  time: string;
}

/** The kubelet's eviction signals, computed from /stats/summary as its eviction manager does. */
function signals(summary: KubeletSummary, thresholds: KubeletConfig['pressure'], now: string): Signal[] {
  const node = summary.node;
  const found: Signal[] = [];
  if (node.memory?.availableBytes !== undefined) {
    found.push({ resource: 'memory', signal: 'memory.available', observed: node.memory.availableBytes, threshold: thresholds.memoryAvailableBytes, unit: 'bytes', time: node.memory.time });
  }
  const fs = node.fs;
  if (fs?.availableBytes !== undefined && fs.capacityBytes) {
    found.push({ resource: 'disk', signal: 'nodefs.available', observed: Math.round((fs.availableBytes / fs.capacityBytes) * 1000) / 10, threshold: thresholds.nodefsAvailablePercent, unit: 'percent', time: fs.time ?? now });
  }
  if (fs?.inodesFree !== undefined && fs.inodes) {
    found.push({ resource: 'disk', signal: 'nodefs.inodesFree', observed: Math.round((fs.inodesFree / fs.inodes) * 1000) / 10, threshold: thresholds.nodefsInodesFreePercent, unit: 'percent', time: fs.time ?? now });
  }
  const rlimit = node.rlimit;
  if (rlimit?.maxpid && rlimit.curproc !== undefined) {
    found.push({ resource: 'pid', signal: 'pid.available', observed: Math.round(((rlimit.maxpid - rlimit.curproc) / rlimit.maxpid) * 1000) / 10, threshold: thresholds.pidAvailablePercent, unit: 'percent', time: rlimit.time ?? now });
  }
  return found;
}

/**
 * Remembers which eviction signals are below their threshold and reports each crossing:
 * seen on the node at the poll, before the kubelet's next status update tells the API server
 * (and before its pressure transition period lets the condition go).
 */
export class NodePressure {
  private readonly under = new Set<string>();

  constructor(private readonly thresholds: KubeletConfig['pressure']) {}

  changes(nodeName: string, summary: KubeletSummary, now: string): PressureChange[] {
    const changes: PressureChange[] = [];
    for (const { time, ...signal } of signals(summary, this.thresholds, now)) {
      const pressed = signal.observed < signal.threshold;
      const was = this.under.has(signal.signal);
      if (pressed === was) continue;
      if (pressed) this.under.add(signal.signal);
      else this.under.delete(signal.signal);
      changes.push({ type: pressed ? 'node_pressure' : 'node_pressure_relieved', data: { node: nodeName, time, ...signal } });
    }
    return changes;
  }
}
