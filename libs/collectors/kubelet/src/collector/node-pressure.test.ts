import { describe, expect, it } from 'vitest';
import { KubeletSummary } from './kubelet-answers.js';
import { NodePressure } from './node-pressure.js';

const MIB = 1024 * 1024;
const summary = (availableBytes: number, curproc = 100) => KubeletSummary.parse({ node: { nodeName: 'n1', memory: { time: '2026-12-03T05:00:00Z', availableBytes }, rlimit: { maxpid: 1000, curproc } } });

describe('node pressure', () => {
  it('reports an eviction signal crossing its threshold once, and its relief once', () => {
    const pressure = new NodePressure({ memoryAvailableBytes: 100 * MIB, nodefsAvailablePercent: 10, nodefsInodesFreePercent: 5, pidAvailablePercent: 5 });
    expect(pressure.changes('n1', summary(500 * MIB), 'now')).toEqual([]);
    expect(pressure.changes('n1', summary(80 * MIB), 'now').map((change) => [change.type, change.data.signal, change.data.observed])).toEqual([['node_pressure', 'memory.available', 80 * MIB]]);
    expect(pressure.changes('n1', summary(70 * MIB), 'now')).toEqual([]);
    expect(pressure.changes('n1', summary(70 * MIB, 990), 'now').map((change) => [change.type, change.data.signal, change.data.observed])).toEqual([['node_pressure', 'pid.available', 1]]);
    expect(pressure.changes('n1', summary(200 * MIB, 990), 'now').map((change) => change.type)).toEqual(['node_pressure_relieved']);
  });
});
