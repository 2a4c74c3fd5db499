import { insightWith, type EntityRef, type Insight } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@tapio/domain/testing';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';
import { BookRoots, insightRootKey } from './book-roots.js';
import { FoldRelations } from './fold-relations.js';
import { IncidentFolds } from './incident-folds.js';
import { rankInsights } from './insight-ranking.js';

const SEVERITIES: Insight['severity'][] = ['low', 'medium', 'high', 'critical'];

function cluster() {
  const fixture = new ClusterFixture();
  fixture.nodes('node-1', 'node-2');
  const configs = ['a', 'b', 'c'].map((name) => fixture.configMap('shop', `config-${name}`));
  const uses = [['config-a'], ['config-a', 'config-b'], ['config-b'], ['config-c'], []];
  const workloads = uses.map((configMaps, index) => fixture.workload('shop', `app-${index}`, { replicas: 2, nodes: ['node-1', 'node-2'], configMaps }));
  const state = new WorkingState();
  for (const event of fixture.events) state.add(event);
  const roots: EntityRef[] = [...configs, ...workloads.map((workload) => workload.ref), ...workloads.flatMap((workload) => workload.pods)];
  // A workload's pods start using other ConfigMaps (new pod versions, no edge changed): what they fold with changes.
  const remount = (index: number, configMaps: string[]) => {
    const mark = fixture.events.length;
    fixture.advance(30);
    for (const pod of workloads[index]?.pods ?? []) {
      const facts = state.resource(fixture.key(pod))?.facts;
      if (facts) fixture.object('resource_updated', { ...facts, configMaps }, 'pod updated', 'MODIFIED');
    }
    for (const event of fixture.events.slice(mark)) state.add(event);
  };
  return { state, roots, remount };
}

/**
 * The book as the engine keeps it: one BookRoots across passes, told of every insight that
 * changed, came or left. `refoldBook` then folds again only around those; its folds, the ids
 * it reports changed and the insights as shown must equal a full search over the ranked book.
 */
describe('IncidentFolds.refoldBook in proportion to what changed', () => {
  it('equals the full search pass after pass while incidents come, change, move root and leave', () => {
    let folded = 0;
    let foldedGone = 0;
    for (let round = 0; round < 20; round += 1) {
      const next = seededRandom(round + 7);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const { state, roots: entities, remount } = cluster();
      const relations = new FoldRelations(state);
      const roots = new BookRoots();
      const shelf = new Map<string, Insight>();
      const book = { roots, insight: (id: string) => shelf.get(id), hasRootOfKind: () => true };
      // Few kept once gone, so forgetting the oldest is exercised too.
      const fast = new IncidentFolds(3);
      const full = new IncidentFolds(3);
      const seen = new Set<string>();
      const make = (id: string): Insight =>
        insightWith({
          id,
          title: id,
          severity: pick(SEVERITIES),
          confidence: pick([0.5, 0.7, 0.9]),
          pattern: 'p',
          rootCause: { entity: pick(entities), what: 'trouble', eventId: `evt-${id}`, eventType: 'pod_failed', timestamp: '2026-03-02T10:00:00Z' },
          affected: [],
          story: 'line one\n  └─ Next: check',
          firstSeen: `2026-03-02T10:0${Math.floor(next() * 10)}:00Z`,
          lastSeen: '2026-03-02T11:00:00Z',
          createdAt: '2026-03-02T10:00:00Z',
        });
      for (let step = 0; step < 60; step += 1) {
        const ids = [...shelf.keys()];
        const action = next();
        if (ids.length < 3 || action < 0.45) {
          const id = `ins-${round}-${step}`;
          const insight = make(id);
          shelf.set(id, insight);
          roots.add(id, insightRootKey(insight));
          seen.add(id);
        } else if (action < 0.8) {
          const id = pick(ids);
          const before = shelf.get(id) as Insight;
          // The same root with a new severity (a recomposition); the same root re-rated or seen
          // again (a pattern's confidence learnt, a repeat: the ranking may or may not move); another root.
          const kind = next();
          const after =
            kind < 0.35
              ? { ...before, severity: pick(SEVERITIES) }
              : kind < 0.7
                ? { ...before, confidence: pick([0.5, 0.7, 0.9, before.confidence]), lastSeen: `2026-03-02T11:${10 + step}:00Z` }
                : { ...make(id), firstSeen: before.firstSeen };
          shelf.set(id, after);
          roots.replace(id, before, after);
        } else {
          const id = pick(ids);
          roots.remove(id, insightRootKey(shelf.get(id) as Insight));
          shelf.delete(id);
        }
        if (next() < 0.1) remount(Math.floor(next() * 5), ['config-a', 'config-b', 'config-c'].filter(() => next() < 0.4));
        if (next() < 0.3) continue;
        const changed = fast.refoldBook(book, relations);
        const expected = full.refold([...shelf.values()].sort(rankInsights), state);
        const where = `round ${round}, step ${step}`;
        expect([...changed].sort(), where).toEqual([...expected].sort());
        for (const id of seen) {
          expect(fast.rootOf(id), `${where}: ${id}`).toBe(full.rootOf(id));
          expect(fast.foldedInto(id), `${where}: ${id}`).toEqual(full.foldedInto(id));
        }
        for (const insight of shelf.values()) expect(fast.view(insight), where).toEqual(full.view(insight));
        for (const id of seen) if (fast.rootOf(id)) shelf.has(id) ? (folded += 1) : (foldedGone += 1);
      }
    }
    // The rounds did fold, and kept folds of incidents gone from the book.
    expect(folded).toBeGreaterThan(100);
    expect(foldedGone).toBeGreaterThan(10);
  });
});
