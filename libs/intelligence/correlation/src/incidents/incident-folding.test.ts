import type { EntityRef, Insight } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';
import { foldInsights } from './incident-folding.js';

function insight(id: string, root: EntityRef, severity: Insight['severity'], pattern: string): Insight {
  return {
    id,
    title: `${pattern}: ${root.name}`,
    severity,
    confidence: 0.8,
    pattern,
    rootCause: { entity: root, what: 'its pods fail', eventId: `evt-${id}`, eventType: 'pod_failed', timestamp: '2026-03-02T10:00:00Z' },
    symptoms: [],
    chain: [],
    affected: [root],
    story: `line one\n  ├─ detail\n  ├─ Previous occurrence: none on record\n  └─ Next: check`,
    nextChecks: [],
    previousOccurrences: [],
    eventIds: [],
    firstSeen: '2026-03-02T10:00:00Z',
    lastSeen: '2026-03-02T10:01:00Z',
    createdAt: '2026-03-02T10:01:00Z',
  };
}

function shop() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const catalog = cluster.workload('shop', 'catalog', { replicas: 2, nodes: ['node-1'] });
  const service = cluster.service(catalog);
  const other = cluster.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
  const state = new WorkingState();
  for (const event of cluster.events) state.add(event);
  return { state, catalog, service, other };
}

describe('foldInsights', () => {
  it('folds a Service without endpoints into the incident of the workload behind it, with the louder severity and an Also explains line', () => {
    const { state, catalog, service } = shop();
    const serviceDown = insight('a', service, 'critical', 'service-without-endpoints');
    const volume = insight('b', catalog.ref, 'high', 'pvc-deadlock');
    const folded = foldInsights([serviceDown, volume], state);
    expect(folded.map((item) => item.id)).toEqual(['b']);
    expect(folded[0]?.severity).toBe('critical');
    expect(folded[0]?.symptoms).toContainEqual(service);
    expect(folded[0]?.story).toContain('Also explains: 1 incident in 1 namespace: Service shop/catalog (service-without-endpoints)');
    expect(folded[0]?.story.split('\n')[2]).toMatch(/Also explains/);
  });

  it('leaves unrelated incidents alone and changes nothing it was given', () => {
    const { state, catalog, other } = shop();
    const first = insight('a', other.ref, 'critical', 'crash-loop-death-spiral');
    const second = insight('b', catalog.ref, 'high', 'pvc-deadlock');
    const folded = foldInsights([first, second], state);
    expect(folded).toEqual([first, second]);
    expect(first.story).not.toContain('Also explains');
  });
});
