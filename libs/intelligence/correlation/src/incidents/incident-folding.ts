import { entityKey, parseEntityKey, severityRank, type CorrelationState, type EntityRef, type Insight } from '@tapio/domain';

const keyOf = (ref: EntityRef) => entityKey(ref);
const kindOf = (key: string) => parseEntityKey(key)?.kind ?? '';

/** The pods (current, through the topology) of an incident root: itself, or what a workload owns. */
function podsOf(state: CorrelationState, root: string): string[] {
  if (kindOf(root) === 'Pod') return [root];
  const pods: string[] = [];
  const queue = [root];
  for (let depth = 0; depth < 3 && queue.length; depth += 1) {
    for (const owner of queue.splice(0)) {
      for (const child of state.neighbours(owner, 'OWNS', 'out')) {
        if (kindOf(child) === 'Pod') pods.push(child);
        else queue.push(child);
      }
    }
  }
  return pods;
}

/** True when the workload's pod selector covers every label the Service selects on (its pods, present or not, are the Service's). */
function workloadBehind(state: CorrelationState, service: string, workload: string): boolean {
  const selector = state.resource(service)?.facts?.serviceSelector ?? {};
  const labels = state.resource(workload)?.facts?.selector?.matchLabels ?? {};
  const keys = Object.keys(selector);
  return keys.length > 0 && parseEntityKey(service)?.namespace === parseEntityKey(workload)?.namespace && keys.every((key) => labels[key] === selector[key]);
}

/**
 * Why the trouble rooted at `root` is explained by the root `cause` of another incident, or
 * undefined: a Service whose pods are the cause's (their trouble empties it); a workload that
 * calls the cause (DEPENDS_ON); pods using the cause's ConfigMap, Secret or volume; pods a
 * cause NetworkPolicy selects. A shared node is left to the causal edges: node pressure is
 * caused by its consumer, not the other way round, so a Node root never swallows workloads here.
 */
export function explains(state: CorrelationState, cause: string, root: string): string | undefined {
  if (cause === root) return undefined;
  const causeKind = kindOf(cause);
  if (kindOf(root) === 'Service') {
    const owners = new Set(state.neighbours(root, 'SELECTS', 'out').flatMap((pod) => [pod, state.rootOwner(pod)]));
    if (owners.has(cause) || workloadBehind(state, root, cause)) return 'its pods are the ones that fail';
  }
  if (causeKind === 'Service' && state.dependsOn(root).some((edge) => edge.to === cause)) return 'it calls the Service';
  const pods = podsOf(state, root);
  if (pods.length === 0) return undefined;
  if (['ConfigMap', 'Secret', 'PersistentVolumeClaim'].includes(causeKind) && pods.some((pod) => state.dependenciesOf(pod).includes(cause))) return 'it uses it';
  if (causeKind === 'NetworkPolicy' && pods.some((pod) => state.neighbours(cause, 'APPLIES_TO', 'out').includes(pod))) return 'the policy selects its pods';
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
function absorb(cause: Insight, folded: readonly Insight[]): Insight {
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

/**
 * One incident per cause: an incident whose root another incident's root explains (see
 * `explains`) folds into that one, which then carries its symptoms, the louder severity and
 * an "Also explains" line. `ranked` is most likely first; a root that explains another is
 * never folded into it in turn. Pure: the incidents themselves are not changed.
 */
export function foldInsights(ranked: readonly Insight[], state: CorrelationState): Insight[] {
  const roots = ranked.map((insight) => keyOf(insight.rootCause.entity));
  const into = new Map<number, number>();
  ranked.forEach((_, index) => {
    const root = roots[index] as string;
    const cause = roots.findIndex((candidate, other) => other !== index && !into.has(other) && explains(state, candidate, root) !== undefined && explains(state, root, candidate) === undefined);
    if (cause >= 0 && into.get(cause) !== index) into.set(index, cause);
  });
  // Follow chains (A into B into C) to the top cause.
  const top = (index: number) => {
    let current = index;
    for (let hops = 0; hops < ranked.length && into.has(current); hops += 1) current = into.get(current) as number;
    return current;
  };
  const folded = new Map<number, Insight[]>();
  for (const index of into.keys()) {
    const cause = top(index);
    if (cause === index) continue;
    let list = folded.get(cause);
    if (!list) folded.set(cause, (list = []));
    list.push(ranked[index] as Insight);
  }
  const result: Insight[] = [];
  ranked.forEach((insight, index) => {
    if (into.has(index) && top(index) !== index) return;
    const list = folded.get(index);
    result.push(list ? absorb(insight, list) : insight);
  });
  return result;
}
