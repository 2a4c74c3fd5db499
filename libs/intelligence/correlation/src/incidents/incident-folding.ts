import { entityKey, entityKeyKind, parseEntityKey, severityRank, type CorrelationState, type EntityRef, type EventType, type Insight } from '@tapio/domain';
import { workloadBehind } from '../state/relations.js';

const keyOf = (ref: EntityRef) => entityKey(ref);
const kindOf = (key: string) => entityKeyKind(key) ?? '';

/**
 * The pods (current, through the topology) of an incident root: itself, or what a workload
 * owns; `visit` is told every owner whose edges were read (to know when the answer may change).
 */
export function podsOf(state: CorrelationState, root: string, visit?: (owner: string) => void): string[] {
  if (kindOf(root) === 'Pod') return [root];
  const pods: string[] = [];
  const queue = [root];
  for (let depth = 0; depth < 3 && queue.length; depth += 1) {
    for (const owner of queue.splice(0)) {
      visit?.(owner);
      for (const child of state.neighbours(owner, 'OWNS', 'out')) {
        if (kindOf(child) === 'Pod') pods.push(child);
        else queue.push(child);
      }
    }
  }
  return pods;
}

/**
 * What `explains` reads about an entity, each computed once per `assignFolds` call: the
 * book's roots are compared pairwise, so without it a root's pods and each pod's
 * ConfigMaps, Secrets and claims were rebuilt (entity keys parsed and printed) for every
 * pair, which was most of the correlation stage's CPU on a book with ConfigMap roots.
 */
export class FoldLookups {
  private readonly kinds = new Map<string, string>();
  private readonly pods = new Map<string, string[]>();
  private readonly dependencies = new Map<string, ReadonlySet<string>>();

  constructor(readonly state: CorrelationState) {}

  kind(key: string): string {
    let kind = this.kinds.get(key);
    if (kind === undefined) this.kinds.set(key, (kind = kindOf(key)));
    return kind;
  }

  podsOf(root: string): string[] {
    let pods = this.pods.get(root);
    if (pods === undefined) this.pods.set(root, (pods = podsOf(this.state, root)));
    return pods;
  }

  uses(pod: string, dependency: string): boolean {
    let dependencies = this.dependencies.get(pod);
    if (dependencies === undefined) this.dependencies.set(pod, (dependencies = new Set(this.state.dependenciesOf(pod))));
    return dependencies.has(dependency);
  }
}


/** Kinds of root that can explain a root of another kind than Service (see `explains`). */
export const CAUSE_KINDS: ReadonlySet<string> = new Set(['Service', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'NetworkPolicy']);

/** A cheap test before `explains`: a Service root can be explained by any kind, other roots only by these. */
export function mayExplain(causeKind: string, rootKind: string): boolean {
  return rootKind === 'Service' || CAUSE_KINDS.has(causeKind);
}

const UNSCHEDULABLE: ReadonlySet<EventType> = new Set<EventType>(['pod_unschedulable']);

/**
 * Whether the pods a Service selects are kept off every node by the Node `cause` (their
 * refusals name it: a drained node whose pods find no room elsewhere). The Service emptied
 * for the node's sake, though no causal edge can say so: its pods went before they failed.
 */
export function keptOffBy(state: CorrelationState, service: string, cause: string, causeKind: string): boolean {
  if (causeKind !== 'Node') return false;
  const node = parseEntityKey(cause)?.name;
  return state.neighbours(service, 'SELECTS', 'out').some((pod) => state.eventsOn(pod, Number.NEGATIVE_INFINITY, UNSCHEDULABLE).some((item) => item.event.annotations?.['cause.kind'] === 'Node' && item.event.annotations['cause.name'] === node));
}

/** Why one root explains another, as the fold says it. */
export const REASONS = {
  service: 'its pods are the ones that fail',
  calls: 'it calls the Service',
  uses: 'it uses it',
  policy: 'the policy selects its pods',
} as const;

/**
 * Why the trouble rooted at `root` is explained by the root `cause` of another incident, or
 * undefined: a Service whose pods are the cause's (their trouble empties it); a workload that
 * calls the cause (DEPENDS_ON); pods using the cause's ConfigMap, Secret or volume; pods a
 * cause NetworkPolicy selects. A shared node is left to the causal edges: node pressure is
 * caused by its consumer, not the other way round, so a Node root never swallows workloads here.
 */
export function explains(state: CorrelationState, cause: string, root: string, lookups = new FoldLookups(state)): string | undefined {
  if (cause === root) return undefined;
  const causeKind = lookups.kind(cause);
  const rootKind = lookups.kind(root);
  if (!mayExplain(causeKind, rootKind)) return undefined;
  if (rootKind === 'Service') {
    const owners = new Set(state.neighbours(root, 'SELECTS', 'out').flatMap((pod) => [pod, state.rootOwner(pod)]));
    if (owners.has(cause) || workloadBehind(state, root, cause) || keptOffBy(state, root, cause, causeKind)) return REASONS.service;
  }
  if (causeKind === 'Service' && state.dependsOn(root).some((edge) => edge.to === cause)) return REASONS.calls;
  const pods = lookups.podsOf(root);
  if (pods.length === 0) return undefined;
  if (['ConfigMap', 'Secret', 'PersistentVolumeClaim'].includes(causeKind) && pods.some((pod) => lookups.uses(pod, cause))) return REASONS.uses;
  if (causeKind === 'NetworkPolicy' && pods.some((pod) => state.neighbours(cause, 'APPLIES_TO', 'out').includes(pod))) return REASONS.policy;
  return undefined;
}

function describeFolded(folded: readonly Insight[]): string {
  const refs = folded.map((insight) => insight.rootCause.entity);
  const namespaces = new Set(refs.map((ref) => ref.namespace ?? ''));
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const names = folded.map((insight) => `${insight.rootCause.entity.kind} ${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name} (${insight.pattern ?? 'incident'})`);
  return `Also explains: ${count(refs.length, 'incident')} in ${count(namespaces.size, 'namespace')}: ${names.join(', ')}`;
}

/** The cause's insight with the folded incidents: their symptoms and affected entities, the louder severity, a story line. */
export function absorb(cause: Insight, folded: readonly Insight[]): Insight {
  const seen = new Set(cause.symptoms.map(keyOf));
  const symptoms = [...cause.symptoms];
  const affectedSeen = new Set(cause.affected.map(keyOf));
  const affected = [...cause.affected];
  for (const insight of folded) {
    for (const ref of [insight.rootCause.entity, ...insight.symptoms]) if (!seen.has(keyOf(ref))) (seen.add(keyOf(ref)), symptoms.push(ref));
    for (const ref of insight.affected) if (!affectedSeen.has(keyOf(ref))) (affectedSeen.add(keyOf(ref)), affected.push(ref));
  }
  const loudest = folded.reduce((max, insight) => (severityRank(insight.severity) > severityRank(max) ? insight.severity : max), cause.severity);
  const lines = cause.story.split('\n');
  const at = lines.findIndex((line) => /Previous occurrence|Confidence:/.test(line));
  lines.splice(at > 0 ? at : Math.max(1, lines.length - 1), 0, `  ├─ ${describeFolded(folded)}`);
  return { ...cause, severity: loudest, symptoms, affected, story: lines.join('\n') };
}

/** Where an incident is folded: the insight id of the incident whose root explains it, and why. */
export interface FoldTarget {
  rootId: string;
  reason: string;
}

/**
 * One incident per cause: which incident each incident folds into (absent: it stands on
 * its own). An incident whose root another incident's root explains (see `explains`) folds
 * into that one; `ranked` is most likely first, and the most likely explaining incident
 * not folded itself wins; a root explained by this one in turn is never its cause (no
 * cycles); chains (A into B into C) fold into the top cause, with A's own reason. Pure.
 * Entries are in ranked order of the folded incidents.
 */
export function assignFolds(ranked: readonly Insight[], state: CorrelationState): Map<string, FoldTarget> {
  const roots = ranked.map((insight) => keyOf(insight.rootCause.entity));
  const lookups = new FoldLookups(state);
  // Candidates for causes of roots other than Services, in ranked order (most roots are workloads: cheap).
  const causeCandidates = roots.flatMap((root, index) => (CAUSE_KINDS.has(lookups.kind(root)) ? [index] : []));
  const everyone = roots.map((_, index) => index);
  return foldRanked(ranked, roots, (index) => (lookups.kind(roots[index] as string) === 'Service' ? everyone : causeCandidates), (cause, root) => explains(state, cause, root, lookups));
}

/**
 * `assignFolds` over given root keys, with the candidates tried for each incident (indexes
 * into `ranked`, ascending; any superset of the incidents whose roots explain it gives the
 * same folds) and the `explains` to ask.
 */
export function foldRanked(
  ranked: readonly Insight[],
  roots: readonly string[],
  candidatesOf: (index: number) => readonly number[],
  explain: (cause: string, root: string) => string | undefined,
): Map<string, FoldTarget> {
  const into = new Map<number, { cause: number; reason: string }>();
  ranked.forEach((_, index) => {
    const root = roots[index] as string;
    for (const other of candidatesOf(index)) {
      if (other === index || into.has(other)) continue;
      const candidate = roots[other] as string;
      const reason = explain(candidate, root);
      if (reason === undefined || explain(root, candidate) !== undefined) continue;
      if (into.get(other)?.cause !== index) into.set(index, { cause: other, reason });
      break;
    }
  });
  const top = (index: number) => {
    let current = index;
    for (let hops = 0; hops < ranked.length && into.has(current); hops += 1) current = (into.get(current) as { cause: number }).cause;
    return current;
  };
  const result = new Map<string, FoldTarget>();
  [...into.entries()]
    .sort(([a], [b]) => a - b)
    .forEach(([index, { reason }]) => {
      const cause = top(index);
      if (cause !== index) result.set((ranked[index] as Insight).id, { rootId: (ranked[cause] as Insight).id, reason });
    });
  return result;
}
