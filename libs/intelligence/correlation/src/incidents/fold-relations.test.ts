import { insightWith, type EntityRef, type Insight } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';
import { BookRoots, insightRootKey } from './book-roots.js';
import { FoldRelations } from './fold-relations.js';
import { assignFolds, explains } from './incident-folding.js';
import { IncidentFolds } from './incident-folds.js';
import { rankInsights } from './insight-ranking.js';

function insight(id: string, root: EntityRef, severity: Insight['severity']): Insight {
  return insightWith({
    id,
    title: `${id}: ${root.name}`,
    severity,
    pattern: 'p',
    rootCause: { entity: root, what: 'trouble', eventId: `evt-${id}`, eventType: 'pod_failed', timestamp: '2026-03-02T10:00:00Z' },
    affected: [root],
    story: 'line one\n  └─ Next: check',
    firstSeen: '2026-03-02T10:00:00Z',
    lastSeen: '2026-03-02T10:01:00Z',
    createdAt: '2026-03-02T10:01:00Z',
  });
}

function book(insights: Insight[]) {
  const roots = new BookRoots();
  for (const item of insights) roots.add(item.id, insightRootKey(item));
  return {
    roots,
    insight: (id: string) => insights.find((item) => item.id === id),
    hasRootOfKind: () => true,
  };
}

function cluster() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const config = fixture.configMap('shop', 'catalog-config');
  const catalog = fixture.workload('shop', 'catalog', { replicas: 2, nodes: ['node-1'], configMaps: ['catalog-config'] });
  const cart = fixture.workload('shop', 'cart', { replicas: 2, nodes: ['node-2'] });
  const state = new WorkingState();
  for (const event of fixture.events) state.add(event);
  return { fixture, state, config, catalog, cart };
}

/** The folds the cached path finds must be the ones the full search over the ranked book finds. */
function expectSameFolds(insights: Insight[], state: WorkingState, relations: FoldRelations, fast = new IncidentFolds()): Map<string, string | undefined> {
  const full = new IncidentFolds();
  full.refold([...insights].sort(rankInsights), state);
  fast.refoldBook(book(insights), relations);
  const folds = new Map(insights.map((item) => [item.id, fast.rootOf(item.id)]));
  expect(folds).toEqual(new Map(insights.map((item) => [item.id, full.rootOf(item.id)])));
  expect(assignFolds([...insights].sort(rankInsights), state).size).toBe([...folds.values()].filter(Boolean).length);
  return folds;
}

describe('FoldRelations', () => {
  it('answers exactly as explains does, for every pair of roots', () => {
    const { fixture, state, config, catalog, cart } = cluster();
    const relations = new FoldRelations(state);
    relations.begin();
    const keys = [config, catalog.ref, cart.ref, ...catalog.pods, ...cart.pods].map((ref) => fixture.key(ref));
    for (const cause of keys) for (const root of keys) expect(relations.explains(cause, root)).toBe(explains(state, cause, root));
    expect(relations.explains(fixture.key(config), fixture.key(catalog.ref))).toBe('it uses it');
  });

  it('folds like the full search, and sees a change of what a pod uses (a new node version) without a change of edges', () => {
    const { fixture, state, config, catalog, cart } = cluster();
    const relations = new FoldRelations(state);
    const edit = insight('config', config, 'high');
    const insights = [insight('catalog', catalog.ref, 'critical'), insight('cart', cart.ref, 'critical'), edit, insight('pod', cart.pods[0] as EntityRef, 'low')];
    const before = expectSameFolds(insights, state, relations);
    expect(before.get('catalog')).toBe('config');
    expect(before.get('cart')).toBeUndefined();
    // The cart's pods start using the ConfigMap: the same pods (no edge of OWNS changes), new facts.
    const mark = fixture.events.length;
    fixture.advance(30);
    for (const pod of cart.pods) {
      const facts = state.resource(fixture.key(pod))?.facts;
      if (!facts) throw new Error(`no facts for ${pod.name}`);
      fixture.object('resource_updated', { ...facts, configMaps: ['catalog-config'] }, 'pod updated', 'MODIFIED');
    }
    for (const event of fixture.events.slice(mark)) state.add(event);
    const after = expectSameFolds(insights, state, relations);
    expect(after.get('cart')).toBe('config');
  });

  it('sees new pods of a root (edges added to a workload whose own facts did not change), pass after pass', () => {
    const { fixture, state, config, cart } = cluster();
    const relations = new FoldRelations(state);
    const service = fixture.service(cart);
    for (const event of fixture.events.slice(-1)) state.add(event);
    const insights = [insight('cart', cart.ref, 'critical'), insight('config', config, 'high')];
    // One pass after another over the same roots: the second must not reuse what the first derived.
    const folds = new IncidentFolds();
    expect(expectSameFolds(insights, state, relations, folds).get('cart')).toBeUndefined();
    expect(expectSameFolds(insights, state, relations, folds).get('cart')).toBeUndefined();
    // A rollout of cart whose new pods mount the ConfigMap: a new ReplicaSet and pods, the Deployment's own node unchanged.
    const mark = fixture.events.length;
    cart.options.configMaps = ['catalog-config'];
    fixture.advance(30);
    fixture.rollout(cart);
    for (const event of fixture.events.slice(mark)) if (event.type !== 'workload_spec_changed') state.add(event);
    expect(expectSameFolds(insights, state, relations, folds).get('cart')).toBe('config');
    // A Service root joins the same roots: every incident takes part, the folds still those of the full search.
    const withService = [...insights, insight('svc', service, 'low')];
    expect(expectSameFolds(withService, state, relations, folds).get('cart')).toBe('config');
  });

  it('an incident whose root can neither explain nor be explained takes no part (and changes nothing)', () => {
    const { fixture, state, config, catalog, cart } = cluster();
    const relations = new FoldRelations(state);
    const insights = [insight('cart', cart.ref, 'critical'), insight('catalog', catalog.ref, 'low'), insight('config', config, 'medium')];
    expect(expectSameFolds(insights, state, relations).get('cart')).toBeUndefined();
    relations.begin();
    expect(relations.causesOf(fixture.key(cart.ref), new Map([[fixture.key(config), true]]), [])).toEqual([]);
    expect(relations.causesOf(fixture.key(catalog.ref), new Map([[fixture.key(config), true]]), [])).toEqual([fixture.key(config)]);
  });

  it('a cause that opens later folds what it explains; one that leaves unfolds it (cached answers follow the book)', () => {
    const { state, config, catalog, cart } = cluster();
    const relations = new FoldRelations(state);
    const workloads = [insight('catalog', catalog.ref, 'critical'), insight('cart', cart.ref, 'high')];
    // One IncidentFolds across the passes: it asks again only the roots that use the cause that came or went.
    const folds = new IncidentFolds();
    expect(expectSameFolds(workloads, state, relations, folds).get('catalog')).toBeUndefined();
    const withEdit = [...workloads, insight('config', config, 'medium')];
    expect(expectSameFolds(withEdit, state, relations, folds).get('catalog')).toBe('config');
    expect(expectSameFolds(workloads, state, relations, folds).get('catalog')).toBeUndefined();
    expect(expectSameFolds(withEdit, state, relations, folds).get('catalog')).toBe('config');
  });

  it('forgets what it cached for roots gone from the book (at most twice the book and 1,000), and answers alike when one comes back', () => {
    const { fixture, state, config, catalog } = cluster();
    const relations = new FoldRelations(state);
    const folds = new IncidentFolds();
    const edit = insight('config', config, 'high');
    const workload = insight('catalog', catalog.ref, 'critical');
    expect(expectSameFolds([edit, workload], state, relations, folds).get('catalog')).toBe('config');
    // 3,000 passes over one book (as the engine's) of two roots: the ConfigMap and a pod root seen once, gone at the next pass.
    const roots = new BookRoots();
    const shelf = new Map([[edit.id, edit]]);
    roots.add(edit.id, insightRootKey(edit));
    const engineBook = { roots, insight: (id: string) => shelf.get(id), hasRootOfKind: () => true };
    let previous: Insight | undefined;
    for (let index = 0; index < 3_000; index += 1) {
      if (previous) {
        roots.remove(previous.id, insightRootKey(previous));
        shelf.delete(previous.id);
      }
      previous = insight(`gone-${index}`, fixture.ref('Pod', `gone-${index}`, 'shop'), 'low');
      roots.add(previous.id, insightRootKey(previous));
      shelf.set(previous.id, previous);
      folds.refoldBook(engineBook, relations);
    }
    // Without the sweep every one of the 3,000 roots keeps its facts, answer, kind and reader entry.
    const sizes = relations.cacheSizes;
    for (const [cache, size] of Object.entries(sizes)) expect(size, cache).toBeLessThanOrEqual(2 * 2 + 1_000);
    expect(sizes.roots).toBeGreaterThan(0);
    // The workload's facts were swept while it was away: back in the book, it is derived again and folds as before.
    expect(expectSameFolds([edit, workload], state, relations, folds).get('catalog')).toBe('config');
  });
});
