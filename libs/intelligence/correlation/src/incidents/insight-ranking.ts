import { severityRank, type Insight } from '@tapio/domain';

/**
 * How strong the causal chain from an insight's root to its trouble is: the number of
 * distinct kinds of evidence along it (a config mount, an owner's rollout, a Service
 * dependency: each correlator is one kind). A root that stands alone (its own symptom) is 0.
 */
export function chainStrength(insight: Pick<Insight, 'chain'>): number {
  const kinds = new Set<string>();
  for (const link of insight.chain) if (link.evidence) kinds.add(link.evidence);
  return kinds.size;
}

type RankKey = (a: Insight, b: Insight) => number;

/**
 * The ranking keys, in order; the first that tells two insights apart decides
 * (docs/root-cause.md, "Ranking"):
 * 1. severity: the loudest symptom an incident (with what it folded) carries;
 * 2. causal-chain strength: more kinds of evidence linking root and trouble first;
 * 3. confidence: the pattern's learned confidence as the incident rates it;
 * 4. breadth: what the root explains (its symptoms);
 * 5. the earliest first (a cause precedes its consequences), then the id, so the order is total.
 */
export const RANK_KEYS: readonly { name: string; compare: RankKey }[] = [
  { name: 'severity', compare: (a, b) => severityRank(b.severity) - severityRank(a.severity) },
  { name: 'chain strength', compare: (a, b) => chainStrength(b) - chainStrength(a) },
  { name: 'confidence', compare: (a, b) => (Math.abs(b.confidence - a.confidence) > 1e-9 ? b.confidence - a.confidence : 0) },
  { name: 'breadth', compare: (a, b) => b.symptoms.length - a.symptoms.length },
  { name: 'earliest', compare: (a, b) => Date.parse(a.firstSeen) - Date.parse(b.firstSeen) },
  { name: 'id', compare: (a, b) => a.id.localeCompare(b.id) },
];

/** Orders insights by RANK_KEYS: most serious, best explained, most likely first. */
export function rankInsights(a: Insight, b: Insight): number {
  for (const key of RANK_KEYS) {
    const order = key.compare(a, b);
    if (order !== 0) return order;
  }
  return 0;
}
