import {
  byEntityKey,
  entityKey,
  insightRelevance,
  newestFirst,
  oldestFirst,
  entityKeyKind,
  podsReachedBy,
  summariseEvent as summarise,
  type CauseEffectCount,
  type DeathSpiral,
  type EntityRef,
  type EventContext,
  type GraphQuestions,
  type ImpactAnswer,
  type TimeRange,
  type TopologyRelationship,
  type UnifiedEvent,
  type WhyAnswer,
} from '@tapio/domain';
import { inRange } from './in-range.js';
import type { MemoryGraphData } from './parts/memory-graph-data.js';

const DEPENDENCY_EDGES: readonly TopologyRelationship[] = ['MOUNTS', 'SELECTS', 'USES_SECRET', 'CLAIMS', 'BOUND_TO', 'ROUTES_TO', 'APPLIES_TO', 'SCALES'];
const CONTEXT_WINDOW_MS = 5 * 60_000;

/** Why, impact, context and timeline, answered from the embedded graph (the Neo4j store must answer the same). */
export class MemoryGraphQuestions implements GraphQuestions {
  constructor(private readonly data: MemoryGraphData) {}

  async why(ref: EntityRef, range: TimeRange): Promise<WhyAnswer> {
    const { names, topology, insights, events, correlations } = this.data;
    const keys = names.keysFor(ref);
    const scope = new Set(keys);
    for (const key of keys) for (const owner of topology.ownerChain(key)) scope.add(owner);
    const about = insights
      .about([...scope])
      .filter((insight) => (!range.since || Date.parse(insight.lastSeen) >= Date.parse(range.since)) && (!range.until || Date.parse(insight.firstSeen) <= Date.parse(range.until)))
      .sort(insightRelevance)
      .slice(0, 20);
    const own = keys.flatMap((key) => events.onKey(key)).filter((event) => inRange(event.timestamp, range));
    const ancestors = new Map<string, UnifiedEvent>();
    for (const event of own) for (const ancestor of correlations.walk(event.id, 'in', (id) => events.get(id))) ancestors.set(ancestor.id, ancestor);
    for (const event of own) ancestors.delete(event.id);
    return {
      entity: keys[0] ? (topology.node(keys[0])?.ref ?? ref) : ref,
      known: keys.some((key) => topology.has(key)),
      insights: about,
      events: own.sort(newestFirst).slice(0, 50).map(summarise),
      causalChain: [...ancestors.values()].sort(oldestFirst).slice(0, 20).map(summarise),
    };
  }

  async eventContext(eventId: string): Promise<EventContext | undefined> {
    const { names, topology, events, correlations } = this.data;
    const event = events.get(eventId);
    if (!event) return undefined;
    const eventOf = (id: string) => events.get(id);
    const resourceKey = event.entity ? entityKey(event.entity) : undefined;
    const affectedResources = resourceKey ? [names.refOf(resourceKey)] : [];
    const ownershipChain = resourceKey ? topology.ownerChain(resourceKey).map((key) => names.refOf(key)) : [];
    const dependencies = resourceKey ? this.dependenciesOf(resourceKey, 3).map((key) => names.refOf(key)).sort(byEntityKey).slice(0, 100) : [];
    const at = Date.parse(event.timestamp);
    const correlated = new Map<string, UnifiedEvent>();
    if (resourceKey) {
      for (const other of events.onKey(resourceKey)) {
        if (other.id !== event.id && Math.abs(Date.parse(other.timestamp) - at) <= CONTEXT_WINDOW_MS) correlated.set(other.id, other);
      }
    }
    for (const correlation of correlations.of(eventId)) {
      if (correlation.kind !== 'CORRELATED_WITH') continue;
      const other = events.get(correlation.fromEventId === eventId ? correlation.toEventId : correlation.fromEventId);
      if (other) correlated.set(other.id, other);
    }
    const ancestors = correlations.walk(eventId, 'in', eventOf).sort(oldestFirst);
    return {
      event: summarise(event),
      affectedResources,
      ownershipChain,
      dependencies,
      correlatedEvents: [...correlated.values()].sort(oldestFirst).slice(0, 50).map(summarise),
      rootCause: ancestors[0] ? summarise(ancestors[0]) : null,
      consequences: correlations.walk(eventId, 'out', eventOf).sort(oldestFirst).slice(0, 50).map(summarise),
    };
  }

  async impact(ref: EntityRef): Promise<ImpactAnswer> {
    const { names, topology } = this.data;
    const key = names.keysFor(ref)[0];
    const empty = { pods: [], workloads: [], services: [], ingresses: [], nodes: [] };
    if (!key || !topology.has(key)) return { entity: ref, known: false, ...empty };
    const pods = new Set(podsReachedBy(topology, key));
    const workloads = new Set<string>();
    const services = new Set<string>();
    const ingresses = new Set<string>();
    const nodes = new Set<string>();
    for (const pod of pods) {
      const chain = topology.ownerChain(pod);
      const top = chain[chain.length - 1];
      if (top) workloads.add(top);
      topology.in(pod, 'SELECTS').forEach((service) => services.add(service));
      topology.out(pod, 'RUNS_ON').forEach((node) => nodes.add(node));
    }
    for (const service of services) topology.in(service, 'ROUTES_TO').forEach((ingress) => ingresses.add(ingress));
    const refs = (set: Set<string>) => [...set].map((item) => names.refOf(item)).sort(byEntityKey);
    return { entity: names.refOf(key), known: true, pods: refs(pods), workloads: refs(workloads), services: refs(services), ingresses: refs(ingresses), nodes: refs(nodes) };
  }

  async timeline(ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]> {
    return this.data.names
      .keysFor(ref)
      .flatMap((key) => this.data.events.onKey(key))
      .filter((event) => inRange(event.timestamp, range))
      .sort(oldestFirst)
      .slice(0, 500);
  }

  async deathSpirals(since: string, minRestarts: number): Promise<DeathSpiral[]> {
    const from = Date.parse(since);
    const spirals: DeathSpiral[] = [];
    for (const [key, ids] of this.data.events.byEntity()) {
      if (entityKeyKind(key) !== 'Pod') continue;
      let restarts = 0;
      for (const id of ids) {
        const event = this.data.events.get(id);
        if (event?.type === 'pod_restart' && Date.parse(event.timestamp) >= from) restarts += 1;
      }
      if (restarts > minRestarts) spirals.push({ entity: this.data.names.refOf(key), restarts });
    }
    return spirals.sort((a, b) => b.restarts - a.restarts || byEntityKey(a.entity, b.entity));
  }

  async patternDiscovery(minOccurrences: number): Promise<CauseEffectCount[]> {
    const counts = new Map<string, CauseEffectCount>();
    for (const correlation of this.data.correlations.all()) {
      if (!this.data.correlations.isCausal(correlation)) continue;
      const cause = this.data.events.get(correlation.fromEventId)?.type;
      const effect = this.data.events.get(correlation.toEventId)?.type;
      if (!cause || !effect) continue;
      const id = `${cause}>${effect}`;
      const entry = counts.get(id) ?? { cause, effect, occurrences: 0 };
      entry.occurrences += 1;
      counts.set(id, entry);
    }
    return [...counts.values()]
      .filter((entry) => entry.occurrences >= minOccurrences)
      .sort((a, b) => b.occurrences - a.occurrences || a.cause.localeCompare(b.cause) || a.effect.localeCompare(b.effect));
  }

  private dependenciesOf(start: string, maxHops: number): string[] {
    const { topology } = this.data;
    const seen = new Set([start]);
    let frontier = [start];
    for (let hop = 0; hop < maxHops && frontier.length; hop += 1) {
      const next: string[] = [];
      for (const key of frontier) {
        for (const type of DEPENDENCY_EDGES) {
          for (const other of [...topology.out(key, type), ...topology.in(key, type)]) {
            if (seen.has(other)) continue;
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    seen.delete(start);
    return [...seen];
  }
}
