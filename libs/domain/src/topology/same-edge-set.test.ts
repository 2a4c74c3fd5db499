import { describe, expect, it } from 'vitest';
import type { TopologyEdge } from '@tapio/plugin-api';
import { sameEdgeSet } from './same-edge-set.js';

const pod = 'shop/Pod/web-1';
const mounts = (to: string, evidence?: string): TopologyEdge => ({ type: 'MOUNTS', from: pod, to, ...(evidence ? { evidence } : {}) });

describe('sameEdgeSet', () => {
  it('true only when the listed edges of that type and direction are exactly the existing ones', () => {
    const existing = new Set(['shop/ConfigMap/a', 'shop/ConfigMap/b']);
    const other: TopologyEdge = { type: 'RUNS_ON', from: pod, to: 'Node/n1' };
    expect(sameEdgeSet(existing, pod, 'MOUNTS', 'out', [mounts('shop/ConfigMap/b'), other, mounts('shop/ConfigMap/a')])).toBe(true);
    expect(sameEdgeSet(existing, pod, 'MOUNTS', 'out', [mounts('shop/ConfigMap/a')])).toBe(false);
    expect(sameEdgeSet(existing, pod, 'MOUNTS', 'out', [mounts('shop/ConfigMap/a'), mounts('shop/ConfigMap/c')])).toBe(false);
    // A repeated edge is not the other one.
    expect(sameEdgeSet(existing, pod, 'MOUNTS', 'out', [mounts('shop/ConfigMap/a'), mounts('shop/ConfigMap/a')])).toBe(false);
    // Evidence must be stored.
    expect(sameEdgeSet(existing, pod, 'MOUNTS', 'out', [mounts('shop/ConfigMap/a'), mounts('shop/ConfigMap/b', 'seen')])).toBe(false);
    expect(sameEdgeSet(undefined, pod, 'MOUNTS', 'out', [other])).toBe(true);
    expect(sameEdgeSet(new Set(), pod, 'MOUNTS', 'out', [])).toBe(true);
    expect(sameEdgeSet(undefined, pod, 'MOUNTS', 'out', [mounts('shop/ConfigMap/a')])).toBe(false);
  });

  it('reads incoming edges by their source', () => {
    const owns: TopologyEdge = { type: 'OWNS', from: 'shop/ReplicaSet/web-7c', to: pod };
    expect(sameEdgeSet(new Set(['shop/ReplicaSet/web-7c']), pod, 'OWNS', 'in', [owns])).toBe(true);
    expect(sameEdgeSet(new Set(['shop/ReplicaSet/web-8d']), pod, 'OWNS', 'in', [owns])).toBe(false);
    expect(sameEdgeSet(new Set(['shop/ReplicaSet/web-7c']), pod, 'OWNS', 'out', [owns])).toBe(false);
  });
});
