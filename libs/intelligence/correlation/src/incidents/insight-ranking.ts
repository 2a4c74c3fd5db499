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
 * The derived keys of one insight (its chain strength, its first-seen time as a number),
 * computed once per insight object: a fold pass sorts the book on every changed insight,
 * and deriving them on each comparison (a Set per chain, a date parse) was a fifth of the
 * pass. Checked against the fields they came from, so an edited insight is derived again.
 */
interface Derived {
  chain: Insight['chain'];
  strength: number;
  firstSeen: string;
  firstSeenMs: number;
}
const derived = new WeakMap<Insight, Derived>();
function derivedOf(insight: Insight): Derived {
  let keys = derived.get(insight);
  if (keys && keys.chain === insight.chain && keys.firstSeen === insight.firstSeen) return keys;
  keys = { chain: insight.chain, strength: chainStrength(insight), firstSeen: insight.firstSeen, firstSeenMs: Date.parse(insight.firstSeen) };
  derived.set(insight, keys);
  return keys;
}

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
  { name: 'chain strength', compare: (a, b) => derivedOf(b).strength - derivedOf(a).strength },
  { name: 'confidence', compare: (a, b) => (Math.abs(b.confidence - a.confidence) > 1e-9 ? b.confidence - a.confidence : 0) },
  { name: 'breadth', compare: (a, b) => b.symptoms.length - a.symptoms.length },
  { name: 'earliest', compare: (a, b) => derivedOf(a).firstSeenMs - derivedOf(b).firstSeenMs },
  { name: 'id', compare: (a, b) => a.id.localeCompare(b.id) },
];

/**
 * Orders insights by RANK_KEYS: most serious, best explained, most likely first. The keys
 * written out in their order, each insight's derived keys looked up once per comparison:
 * a fold pass sorts a component on every changed insight, and the loop over the key list
 * with a lookup per derived key was most of a comparison (a test holds the two orders equal).
 */
export function rankInsights(a: Insight, b: Insight): number {
  if (a.severity !== b.severity) {
    const severity = severityRank(b.severity) - severityRank(a.severity);
    if (severity !== 0) return severity;
  }
  const left = derivedOf(a);
  const right = derivedOf(b);
  if (left.strength !== right.strength) return right.strength - left.strength;
  if (Math.abs(b.confidence - a.confidence) > 1e-9) return b.confidence - a.confidence;
  if (a.symptoms.length !== b.symptoms.length) return b.symptoms.length - a.symptoms.length;
  if (left.firstSeenMs !== right.firstSeenMs) return left.firstSeenMs - right.firstSeenMs;
  return a.id.localeCompare(b.id);
}
