import { insightWith, type ChainLink, type Insight } from '@tapio/domain';
import { seededRandom } from '@tapio/domain/testing';
import { describe, expect, it } from 'vitest';
import { chainStrength, RANK_KEYS, rankInsights } from './insight-ranking.js';

const pod = { kind: 'Pod', namespace: 'shop', name: 'checkout-1' };

function link(evidence?: string): ChainLink {
  return { entity: pod, type: 'pod_restart', timestamp: '2026-03-02T10:00:00Z', summary: 'restarted', ...(evidence ? { relation: 'because', evidence } : {}) };
}

function insight(id: string, overrides: Partial<Insight> = {}): Insight {
  return insightWith({
    id,
    rootCause: { entity: pod, what: 'changed' },
    chain: [link()],
    firstSeen: '2026-03-02T10:00:00Z',
    lastSeen: '2026-03-02T10:05:00Z',
    createdAt: '2026-03-02T10:00:00Z',
    ...overrides,
  });
}

const order = (...insights: Insight[]) => insights.sort(rankInsights).map((item) => item.id);

describe('chainStrength', () => {
  it('counts the distinct kinds of evidence along the chain, not its length', () => {
    expect(chainStrength(insight('a'))).toBe(0);
    expect(chainStrength(insight('a', { chain: [link(), link('dependency'), link('ownership'), link('ownership')] }))).toBe(2);
  });
});

describe('rankInsights', () => {
  it('names its keys in order: severity, chain strength, confidence, breadth, earliest, id', () => {
    expect(RANK_KEYS.map((key) => key.name)).toEqual(['severity', 'chain strength', 'confidence', 'breadth', 'earliest', 'id']);
  });

  it('puts the louder severity first whatever the chain', () => {
    expect(order(insight('strong', { chain: [link(), link('dependency'), link('ownership')] }), insight('loud', { severity: 'critical' }))).toEqual(['loud', 'strong']);
  });

  it('at equal severity, a root linked to its trouble by more kinds of evidence outranks a more confident lone root', () => {
    const lone = insight('lone', { confidence: 0.95 });
    const explained = insight('explained', { confidence: 0.7, chain: [link(), link('dependency'), link('service-dependency')] });
    expect(order(lone, explained)).toEqual(['explained', 'lone']);
  });

  it('then confidence, then breadth, then the earliest, then the id', () => {
    expect(order(insight('unsure', { confidence: 0.6 }), insight('sure', { confidence: 0.9 }))).toEqual(['sure', 'unsure']);
    expect(order(insight('narrow'), insight('broad', { symptoms: [pod, { ...pod, name: 'checkout-2' }] }))).toEqual(['broad', 'narrow']);
    expect(order(insight('later', { firstSeen: '2026-03-02T10:02:00Z' }), insight('earlier'))).toEqual(['earlier', 'later']);
    expect(order(insight('b'), insight('a'))).toEqual(['a', 'b']);
  });

  it('orders as the first of RANK_KEYS that tells two insights apart, over insights that tie on every key but one', () => {
    const next = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    // Two values per key (and equal values written differently): pairs often tie on the keys before the one that decides.
    const random = () =>
      insight(pick(['a', 'b']), {
        severity: pick(['high', 'critical'] as const),
        chain: [link(), ...(next() < 0.5 ? [link(pick(['dependency', 'ownership']))] : [])],
        confidence: pick([0.7, 0.7 + 1e-12, 0.9]),
        symptoms: next() < 0.5 ? [] : [pod],
        firstSeen: pick(['2026-03-02T10:00:00Z', '2026-03-02T10:00:00.000Z', '2026-03-02T10:01:00Z']),
      });
    const byKeys = (a: Insight, b: Insight) => {
      for (const key of RANK_KEYS) {
        const order = key.compare(a, b);
        if (order !== 0) return order;
      }
      return 0;
    };
    const decidedBy = new Set<string>();
    for (let n = 0; n < 4_000; n += 1) {
      const [a, b] = [random(), random()];
      expect(Math.sign(rankInsights(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(Math.sign(byKeys(a, b)));
      const key = RANK_KEYS.find((candidate) => candidate.compare(a, b) !== 0);
      decidedBy.add(key?.name ?? 'none');
    }
    // Every key decided some pairs, and some pairs tied on all of them.
    expect(decidedBy).toEqual(new Set([...RANK_KEYS.map((key) => key.name), 'none']));
  });
});

