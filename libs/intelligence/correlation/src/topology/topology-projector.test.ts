import type { K8sObjectFacts, TopologyChange, UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { matchesSelector, matchesServiceSelector } from './label-selector.js';
import { TopologyProjector } from './topology-projector.js';

/** A lifecycle event carrying object facts, as the Kubernetes API transformer emits. */
function lifecycle(facts: K8sObjectFacts, watchType: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED'): UnifiedEvent {
  return { timestamp: '2026-03-02T10:00:00Z', entity: { cluster: 'c', kind: facts.kind, namespace: facts.namespace ?? null, name: facts.name }, kubernetes: { watchType, object: facts } } as unknown as UnifiedEvent;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const edgesOf = (changes: TopologyChange[], type: string) => changes.flatMap((change) => (change.op === 'upsert' ? change.edges.filter((edge) => edge.type === type).map((edge) => `${edge.from}>${edge.to}`) : []));

describe('TopologyProjector: the Services and NetworkPolicies selecting a pod', () => {
  it('are those whose selectors match its labels now, through label, selector and membership changes (600 random steps)', () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
      const labelSets: Array<Record<string, string> | undefined> = [{ app: 'web' }, { app: 'web', tier: 'front' }, { tier: 'front', app: 'web' }, { app: 'api' }, {}, undefined];
      const projector = new TopologyProjector();
      // What the namespace holds, in the order first set (as the projector's maps keep it).
      const services = new Map<string, Record<string, string>>();
      const policies = new Map<string, { matchLabels: Record<string, string> }>();
      for (let step = 0; step < 200; step += 1) {
        const roll = next();
        if (roll < 0.15) {
          const name = pick(['s1', 's2', 's3']);
          const deleting = next() < 0.3;
          const selector = pick<Record<string, string>>([{ app: 'web' }, { tier: 'front' }, { app: 'api' }]);
          projector.project(lifecycle({ kind: 'Service', name, namespace: 'shop', serviceSelector: selector }, deleting ? 'DELETED' : 'MODIFIED'));
          if (deleting) services.delete(name);
          else services.set(name, selector);
        } else if (roll < 0.25) {
          const name = pick(['p1', 'p2']);
          const deleting = next() < 0.3;
          const selector = { matchLabels: pick<Record<string, string>>([{ app: 'web' }, { tier: 'front' }]) };
          projector.project(lifecycle({ kind: 'NetworkPolicy', name, namespace: 'shop', selector }, deleting ? 'DELETED' : 'MODIFIED'));
          if (deleting) policies.delete(name);
          else policies.set(name, selector);
        } else {
          const name = pick(['web-1', 'web-2', 'web-3']);
          const labels = pick(labelSets);
          const changes = projector.project(lifecycle({ kind: 'Pod', name, namespace: 'shop', ...(labels ? { labels: { ...labels } } : {}) }, next() < 0.1 ? 'DELETED' : 'MODIFIED'));
          if (changes[0]?.op !== 'upsert') continue;
          const pod = `c/Pod/shop/${name}`;
          expect(edgesOf(changes, 'SELECTS'), `seed ${seed} step ${step}`).toEqual([...services].filter(([, selector]) => matchesServiceSelector(labels, selector)).map(([service]) => `c/Service/shop/${service}>${pod}`));
          expect(edgesOf(changes, 'APPLIES_TO'), `seed ${seed} step ${step}`).toEqual([...policies].filter(([, selector]) => matchesSelector(labels, selector)).map(([policy]) => `c/NetworkPolicy/shop/${policy}>${pod}`));
        }
      }
    }
  });
});
