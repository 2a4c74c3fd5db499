import type { EntityRef, GraphReader, TopologyEdge, WhyAnswer } from '@tapio/domain';

/** At most this many entities are looked at and this many edges told: a why answer stays small. */
const MAX_ENTITIES = 40;
const MAX_EDGES = 20;

/**
 * The dependency evidence behind a why answer: the DEPENDS_ON edges (with their evidence)
 * out of the entity and the incidents' symptoms, and out of their owners up to the workload
 * (the dependency model keeps its edges on the caller's workload). That is what links a
 * failing caller to a root cause in another service ("resolves records.backoffice.svc... (its
 * pod spec calls ...)"). Read through the port's edge lookup, so both graph stores answer alike.
 */
export async function dependencyEvidence(graph: Pick<GraphReader, 'resource' | 'edgesOf'>, why: Pick<WhyAnswer, 'entity' | 'insights'>): Promise<TopologyEdge[]> {
  const refs: EntityRef[] = [why.entity, ...why.insights.flatMap((insight) => [...insight.symptoms, ...insight.affected])];
  const edgesByKey = new Map<string, TopologyEdge[]>();
  for (const ref of refs.slice(0, MAX_ENTITIES)) {
    const node = await graph.resource(ref);
    if (!node || edgesByKey.has(node.key)) continue;
    // The entity, its owner and its owner's owner (Pod -> ReplicaSet -> Deployment).
    let frontier = [node.key];
    for (let depth = 0; depth < 3 && frontier.length; depth += 1) {
      const next: string[] = [];
      for (const key of frontier) {
        if (edgesByKey.has(key)) continue;
        const edges = await graph.edgesOf(key);
        edgesByKey.set(key, edges);
        next.push(...edges.filter((edge) => edge.type === 'OWNS' && edge.to === key).map((edge) => edge.from));
      }
      frontier = next;
    }
  }
  const found = new Map<string, TopologyEdge>();
  for (const [key, edges] of edgesByKey) {
    for (const edge of edges) {
      if (edge.type !== 'DEPENDS_ON' || edge.from !== key) continue;
      found.set(`${edge.from}\u0000${edge.to}`, edge);
      if (found.size >= MAX_EDGES) return [...found.values()];
    }
  }
  return [...found.values()];
}

/** A why answer as the API tells it (REST and GraphQL alike): the graph's answer with its dependency evidence. */
export async function whyWithDependencies<T extends Pick<WhyAnswer, 'entity' | 'insights'>>(graph: Pick<GraphReader, 'resource' | 'edgesOf'>, why: T): Promise<T & { dependencies: TopologyEdge[] }> {
  return { ...why, dependencies: await dependencyEvidence(graph, why) };
}
