import { insightWith, type EntityRef, type Insight } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';
import { assignFolds } from './incident-folding.js';
import { IncidentFolds } from './incident-folds.js';

function insight(id: string, root: EntityRef, severity: Insight['severity'], pattern: string): Insight {
  return insightWith({
    id,
    title: `${pattern}: ${root.name}`,
    severity,
    pattern,
    rootCause: { entity: root, what: 'its pods fail', eventId: `evt-${id}`, eventType: 'pod_failed', timestamp: '2026-03-02T10:00:00Z' },
    affected: [root],
    story: `line one\n  ├─ detail\n  ├─ Previous occurrence: none on record\n  └─ Next: check`,
    firstSeen: '2026-03-02T10:00:00Z',
    lastSeen: '2026-03-02T10:01:00Z',
    createdAt: '2026-03-02T10:01:00Z',
  });
}

function shop() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const catalog = cluster.workload('shop', 'catalog', { replicas: 2, nodes: ['node-1'] });
  const service = cluster.service(catalog);
  const other = cluster.workload('shop', 'cart', { replicas: 1, nodes: ['node-1'] });
  const state = new WorkingState();
  for (const event of cluster.events) state.add(event);
  return { cluster, state, catalog, service, other };
}

describe('assignFolds', () => {
  it('folds a Service without endpoints into the incident of the workload behind it', () => {
    const { state, catalog, service } = shop();
    const folds = assignFolds([insight('a', service, 'critical', 'service-without-endpoints'), insight('b', catalog.ref, 'high', 'pvc-deadlock')], state);
    expect([...folds]).toEqual([['a', { rootId: 'b', reason: 'its pods are the ones that fail' }]]);
  });

  it('leaves unrelated incidents alone', () => {
    const { state, catalog, other } = shop();
    expect(assignFolds([insight('a', other.ref, 'critical', 'crash-loop-death-spiral'), insight('b', catalog.ref, 'high', 'pvc-deadlock')], state).size).toBe(0);
  });
});

describe('IncidentFolds', () => {
  it('a root shows what it explains (louder severity, symptoms, Also explains line); the folded one names its root', () => {
    const { state, catalog, service } = shop();
    const serviceDown = insight('a', service, 'critical', 'service-without-endpoints');
    const volume = insight('b', catalog.ref, 'high', 'pvc-deadlock');
    const folds = new IncidentFolds();
    expect([...folds.refold([serviceDown, volume], state)].sort()).toEqual(['a', 'b']);
    const root = folds.view(volume);
    expect(root.severity).toBe('critical');
    expect(root.symptoms).toContainEqual(service);
    expect(root.story.split('\n')[2]).toBe('  ├─ Also explains: 1 incident in 1 namespace: Service shop/catalog (service-without-endpoints)');
    expect(root.alsoExplains).toEqual([{ insightId: 'a', title: serviceDown.title, severity: 'critical', pattern: 'service-without-endpoints', rootCause: service, reason: 'its pods are the ones that fail' }]);
    expect(folds.view(serviceDown).explainedBy).toEqual({ insightId: 'b', title: volume.title, severity: 'high', pattern: 'pvc-deadlock', rootCause: catalog.ref, reason: 'its pods are the ones that fail' });
    expect(volume.story).not.toContain('Also explains');
  });

  it('is incremental: a root cause that opens later folds the earlier incident; nothing changes when nothing does', () => {
    const { state, catalog, service } = shop();
    const serviceDown = insight('a', service, 'critical', 'service-without-endpoints');
    const folds = new IncidentFolds();
    expect(folds.refold([serviceDown], state).size).toBe(0);
    expect(folds.view(serviceDown)).toBe(serviceDown);
    const volume = insight('b', catalog.ref, 'high', 'pvc-deadlock');
    expect([...folds.refold([serviceDown, volume], state)].sort()).toEqual(['a', 'b']);
    expect(folds.rootOf('a')).toBe('b');
    expect(folds.refold([serviceDown, volume], state).size).toBe(0);
  });

  it('undoes a fold whose evidence no longer holds: the Service now selects other pods', () => {
    const { cluster, state, catalog, service } = shop();
    const serviceDown = insight('a', service, 'critical', 'service-without-endpoints');
    const volume = insight('b', catalog.ref, 'high', 'pvc-deadlock');
    const folds = new IncidentFolds();
    folds.refold([serviceDown, volume], state);
    const mark = cluster.events.length;
    cluster.advance(30);
    cluster.object('service_changed', { kind: 'Service', name: 'catalog', namespace: 'shop', uid: 'svc-catalog-2', creationTimestamp: '2026-03-02T09:00:00Z', serviceSelector: { app: 'catalog-v2' }, serviceType: 'ClusterIP' }, 'Service shop/catalog selector changed', 'MODIFIED');
    for (const event of cluster.events.slice(mark)) state.add(event);
    expect([...folds.refold([serviceDown, volume], state)].sort()).toEqual(['a', 'b']);
    expect(folds.rootOf('a')).toBeUndefined();
    expect(folds.view(volume)).toBe(volume);
    expect(folds.view(serviceDown).explainedBy).toBeUndefined();
  });

  it('keeps a folded incident that left the book (over) folded while its root is still open', () => {
    const { state, catalog, service } = shop();
    const serviceDown = insight('a', service, 'critical', 'service-without-endpoints');
    const volume = insight('b', catalog.ref, 'high', 'pvc-deadlock');
    const folds = new IncidentFolds();
    folds.refold([serviceDown, volume], state);
    expect(folds.refold([volume], state).size).toBe(0);
    expect(folds.view(volume).alsoExplains?.map((fold) => fold.insightId)).toEqual(['a']);
    // Both over: the fold is forgotten (the graph keeps it with the stored insights).
    folds.refold([], state);
    expect(folds.foldedInto('b')).toEqual([]);
  });

  it('keeps at most maxGone folds of incidents that left the book, forgetting the oldest', () => {
    const { state, catalog, service } = shop();
    const volume = insight('root', catalog.ref, 'high', 'pvc-deadlock');
    const folds = new IncidentFolds(2);
    // Three incidents folded into the open root, one after another, each leaving the book.
    for (const id of ['a', 'b', 'c']) {
      folds.refold([insight(id, service, 'critical', 'service-without-endpoints'), volume], state);
      folds.refold([volume], state);
    }
    expect(folds.foldedInto('root').sort()).toEqual(['b', 'c']);
    expect(folds.view(volume).alsoExplains?.map((fold) => fold.insightId).sort()).toEqual(['b', 'c']);
    expect(folds.rootOf('a')).toBeUndefined();
  });
});
