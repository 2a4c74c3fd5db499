import {
  byEntityKey,
  entityKey,
  insightEntityKeys,
  insightRelevance,
  newestFirst,
  oldestFirst,
  summariseEvent as summarise,
  parseEntityKey,
  podsReachedBy,
  severityRank,
  TopologyIndex,
  type ComponentHealth,
  type Correlation,
  type DeathSpiral,
  type CauseEffectCount,
  type EntityRef,
  type EventContext,
  type EventQuery,
  type Feedback,
  type GraphStats,
  type GraphStore,
  type ImpactAnswer,
  type Insight,
  type InsightQuery,
  type Page,
  type PatternConfidence,
  type Prediction,
  type ResourceNode,
  type TimeRange,
  type TopologyChange,
  type TopologyEdge,
  type TopologySnapshot,
  type TopologyRelationship,
  type UnifiedEvent,
  type WhyAnswer,
} from '@tapio/domain';
import { TimeIndex } from './time-index.js';
import { EventLog, type RetentionPolicy } from './event-log.js';
import { afterCursor, decodeCursor, encodeCursor } from './ordering.js';
import { SerialSaver } from './serial-saver.js';
import { loadSnapshot, saveSnapshot, type SnapshotContent } from './snapshot.js';

export interface MemoryGraphStoreOptions {
  retention?: Partial<RetentionPolicy>;
  maxInsights?: number;
  /** When set, the graph is saved here on stop (and every `snapshotIntervalMs`) and loaded on start. */
  snapshotFile?: string;
  snapshotIntervalMs?: number;
  /**
   * The topology index to keep, when the correlation engine of the same process shares it
   * (`-mode all`): the engine applies each change first, re-applying it here is idempotent,
   * and the topology is held once. A fresh one otherwise.
   */
  topology?: TopologyIndex;
}

const CAUSAL: readonly Correlation['kind'][] = ['CAUSED', 'TRIGGERED'];
const DEPENDENCY_EDGES: readonly TopologyRelationship[] = ['MOUNTS', 'SELECTS', 'USES_SECRET', 'CLAIMS', 'BOUND_TO', 'ROUTES_TO', 'APPLIES_TO', 'SCALES'];
const CONTEXT_WINDOW_MS = 5 * 60_000;
/** Most causal ancestors or descendants one walk collects, nearest first (as the Neo4j store). */
const MAX_WALK = 200;

function inRange(timestamp: string, range: TimeRange): boolean {
  if (range.since && Date.parse(timestamp) < Date.parse(range.since)) return false;
  if (range.until && Date.parse(timestamp) > Date.parse(range.until)) return false;
  return true;
}


/** "kind/namespace/name" without the cluster, for lookups by callers that don't name one. */
function clusterlessKey(ref: Pick<EntityRef, 'kind' | 'name' | 'namespace'>): string {
  return entityKey({ ...ref, cluster: '*' }).slice(2);
}

/**
 * The embedded knowledge graph: topology, events, correlations, insights, patterns,
 * predictions and feedback, all in memory, bounded by retention, optionally
 * snapshotted to a file. The reference implementation of the GraphStore port: the
 * Neo4j adapter must give the same answers (contract suite).
 */
export class MemoryGraphStore implements GraphStore {
  private readonly topology: TopologyIndex;
  /** Keys already in the cluster-less lookup (a key always names the same kind/namespace/name). */
  private readonly indexed = new Set<string>();
  private readonly log: EventLog;
  /** Every event by event time, for the global newest-first pages. */
  private readonly byTime: TimeIndex;
  private readonly affects = new Map<string, string[]>();
  private readonly clusterless = new Map<string, Set<string>>();
  private readonly correlationsOut = new Map<string, Map<string, Correlation>>();
  private readonly correlationsIn = new Map<string, Map<string, Correlation>>();
  private correlationCount = 0;
  private readonly insightById = new Map<string, Insight>();
  private readonly insightsByKey = new Map<string, Set<string>>();
  private readonly predictionById = new Map<string, Prediction>();
  private readonly feedbackByPattern = new Map<string, Map<string, Feedback>>();
  private readonly patternById = new Map<string, PatternConfidence>();
  private readonly maxInsights: number;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private status: ComponentHealth = { status: 'stopped' };
  private readonly saver = new SerialSaver(() => this.saveNow());

  constructor(private readonly options: MemoryGraphStoreOptions = {}) {
    this.log = new EventLog({
      maxEvents: options.retention?.maxEvents ?? 1_000_000,
      maxAgeMs: options.retention?.maxAgeMs ?? 7 * 24 * 3_600_000,
    });
    this.byTime = new TimeIndex((id) => this.log.timeOf(id));
    this.maxInsights = options.maxInsights ?? 50_000;
    this.topology = options.topology ?? new TopologyIndex();
  }

  async start(): Promise<void> {
    if (this.options.snapshotFile) {
      const content = await loadSnapshot(this.options.snapshotFile);
      if (content) this.restore(content);
      if (this.options.snapshotIntervalMs) {
        // A failed interval save is reported in health(); the next one tries again.
        this.snapshotTimer = setInterval(() => void this.saver.save().catch(() => undefined), this.options.snapshotIntervalMs);
        this.snapshotTimer.unref();
      }
    }
    this.status = { status: 'ok' };
  }

  async stop(): Promise<void> {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.snapshotTimer = undefined;
    await this.saver.save();
    this.status = { status: 'stopped' };
  }

  health(): ComponentHealth {
    if (this.status.status !== 'ok') return this.status;
    const details = { events: this.log.size, resources: this.topology.size };
    if (this.saver.lastError) return { status: 'degraded', reason: `cannot save the graph snapshot: ${this.saver.lastError}`, details };
    return { status: 'ok', details };
  }

  async flush(): Promise<void> {
    // Writes are applied synchronously; nothing is buffered.
  }

  // ---- writes ------------------------------------------------------------

  async applyTopology(changes: TopologyChange[]): Promise<void> {
    for (const change of changes) {
      this.topology.apply(change);
      if (change.op === 'upsert') {
        this.index(change.node.key, change.node.ref);
        for (const edge of change.edges) {
          this.ensureNode(edge.from, change.node.updatedAt);
          this.ensureNode(edge.to, change.node.updatedAt);
        }
      }
    }
  }

  async writeEvents(events: UnifiedEvent[]): Promise<void> {
    for (const event of events) {
      if (!this.log.add(event)) continue;
      this.byTime.add(event.id, this.log.timeOf(event.id) as number);
      if (event.entity) {
        const key = entityKey(event.entity);
        this.ensureNode(key, event.timestamp, event.entity);
        let ids = this.affects.get(key);
        if (!ids) this.affects.set(key, (ids = []));
        ids.push(event.id);
      }
    }
    for (const evicted of this.log.evict()) this.forgetEvent(evicted);
  }

  async writeCorrelations(correlations: Correlation[]): Promise<void> {
    for (const correlation of correlations) {
      if (!this.log.has(correlation.fromEventId) || !this.log.has(correlation.toEventId)) continue;
      const id = `${correlation.kind}|${correlation.fromEventId}|${correlation.toEventId}`;
      let out = this.correlationsOut.get(correlation.fromEventId);
      if (!out) this.correlationsOut.set(correlation.fromEventId, (out = new Map()));
      if (!out.has(id)) this.correlationCount += 1;
      out.set(id, correlation);
      let incoming = this.correlationsIn.get(correlation.toEventId);
      if (!incoming) this.correlationsIn.set(correlation.toEventId, (incoming = new Map()));
      incoming.set(id, correlation);
    }
  }

  async writeInsights(insights: Insight[], predictions: Prediction[]): Promise<void> {
    for (const prediction of predictions) this.predictionById.set(prediction.id, prediction);
    for (const insight of insights) {
      const previous = this.insightById.get(insight.id);
      if (previous) this.unindexInsight(previous);
      this.insightById.set(insight.id, insight);
      for (const key of insightEntityKeys(insight)) {
        let ids = this.insightsByKey.get(key);
        if (!ids) this.insightsByKey.set(key, (ids = new Set()));
        ids.add(insight.id);
      }
    }
    while (this.insightById.size > this.maxInsights) {
      const oldest = this.insightById.keys().next().value as string;
      const insight = this.insightById.get(oldest) as Insight;
      this.unindexInsight(insight);
      this.insightById.delete(oldest);
    }
  }

  async upsertPatterns(patterns: PatternConfidence[]): Promise<void> {
    for (const pattern of patterns) this.patternById.set(pattern.patternId, pattern);
  }

  async writeFeedback(feedback: Feedback): Promise<void> {
    let byId = this.feedbackByPattern.get(feedback.patternId);
    if (!byId) this.feedbackByPattern.set(feedback.patternId, (byId = new Map()));
    byId.set(feedback.id, feedback);
  }

  // ---- lookups -----------------------------------------------------------

  async resource(ref: EntityRef): Promise<ResourceNode | undefined> {
    const key = this.keysFor(ref)[0];
    return key ? this.topology.node(key) : undefined;
  }

  async edgesOf(key: string): Promise<TopologyEdge[]> {
    return this.topology.edgesOf(key);
  }

  async topologySnapshot(): Promise<TopologySnapshot> {
    // Node objects are never changed in place (a change replaces them), so sharing them is safe.
    return this.topology.toJSON();
  }

  async event(id: string): Promise<UnifiedEvent | undefined> {
    return this.log.get(id);
  }

  async events(query: EventQuery): Promise<Page<UnifiedEvent>> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const minSeverity = query.minSeverity ? severityRank(query.minSeverity) : 0;
    const types = query.type ? new Set(query.type) : undefined;
    const candidates: Iterable<UnifiedEvent> = query.entity ? this.eventsOnRef(query.entity).sort(newestFirst) : this.eventsNewestFirst(cursor, query.until);
    // Candidates come newest first in (timestamp, id) order: one past the page says there is more.
    const items: UnifiedEvent[] = [];
    for (const event of candidates) {
      if (query.since && Date.parse(event.timestamp) < Date.parse(query.since)) break;
      if (!afterCursor(event, cursor)) continue;
      if (types && !types.has(event.type)) continue;
      if (severityRank(event.severity) < minSeverity) continue;
      if (!inRange(event.timestamp, query)) continue;
      items.push(event);
      if (items.length > query.limit) break;
    }
    const more = items.length > query.limit;
    const page = more ? items.slice(0, query.limit) : items;
    const last = page[page.length - 1];
    return { items: page, nextCursor: more && last ? encodeCursor(last.timestamp, last.id) : null };
  }

  async insight(id: string): Promise<Insight | undefined> {
    return this.insightById.get(id);
  }

  async insights(query: InsightQuery): Promise<Page<Insight>> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const minSeverity = query.minSeverity ? severityRank(query.minSeverity) : 0;
    const pool = query.entity ? this.insightsAbout(this.keysFor(query.entity)) : [...this.insightById.values()];
    const sorted = pool
      .map((insight) => ({ insight, timestamp: insight.firstSeen, id: insight.id }))
      .filter(({ insight }) => (!query.pattern || insight.pattern === query.pattern) && severityRank(insight.severity) >= minSeverity)
      .filter(({ insight }) => (!query.since || Date.parse(insight.lastSeen) >= Date.parse(query.since)) && (!query.until || Date.parse(insight.firstSeen) <= Date.parse(query.until)))
      .sort(newestFirst)
      .filter((item) => afterCursor(item, cursor));
    const page = sorted.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(({ insight }) => insight), nextCursor: sorted.length > query.limit && last ? encodeCursor(last.timestamp, last.id) : null };
  }

  async prediction(id: string): Promise<Prediction | undefined> {
    return this.predictionById.get(id);
  }

  async feedbackFor(patternId: string): Promise<Feedback[]> {
    return [...(this.feedbackByPattern.get(patternId)?.values() ?? [])].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
  }

  async patterns(): Promise<PatternConfidence[]> {
    return [...this.patternById.values()].sort((a, b) => a.patternId.localeCompare(b.patternId));
  }

  // ---- questions ---------------------------------------------------------

  async why(ref: EntityRef, range: TimeRange): Promise<WhyAnswer> {
    const keys = this.keysFor(ref);
    const scope = new Set(keys);
    for (const key of keys) for (const owner of this.topology.ownerChain(key)) scope.add(owner);
    const insights = this.insightsAbout([...scope])
      .filter((insight) => (!range.since || Date.parse(insight.lastSeen) >= Date.parse(range.since)) && (!range.until || Date.parse(insight.firstSeen) <= Date.parse(range.until)))
      .sort(insightRelevance)
      .slice(0, 20);
    const own = keys.flatMap((key) => this.eventsOnKey(key)).filter((event) => inRange(event.timestamp, range));
    const ancestors = new Map<string, UnifiedEvent>();
    for (const event of own) for (const ancestor of this.walkCausal(event.id, 'in')) ancestors.set(ancestor.id, ancestor);
    for (const event of own) ancestors.delete(event.id);
    return {
      entity: keys[0] ? (this.topology.node(keys[0])?.ref ?? ref) : ref,
      known: keys.some((key) => this.topology.has(key)),
      insights,
      events: own.sort(newestFirst).slice(0, 50).map(summarise),
      causalChain: [...ancestors.values()].sort(oldestFirst).slice(0, 20).map(summarise),
    };
  }

  async eventContext(eventId: string): Promise<EventContext | undefined> {
    const event = this.log.get(eventId);
    if (!event) return undefined;
    const resourceKey = event.entity ? entityKey(event.entity) : undefined;
    const affectedResources = resourceKey ? [this.refOf(resourceKey)] : [];
    const ownershipChain = resourceKey ? this.topology.ownerChain(resourceKey).map((key) => this.refOf(key)) : [];
    const dependencies = resourceKey ? this.dependenciesOf(resourceKey, 3).map((key) => this.refOf(key)).sort(byEntityKey).slice(0, 100) : [];
    const at = Date.parse(event.timestamp);
    const correlated = new Map<string, UnifiedEvent>();
    if (resourceKey) {
      for (const other of this.eventsOnKey(resourceKey)) {
        if (other.id !== event.id && Math.abs(Date.parse(other.timestamp) - at) <= CONTEXT_WINDOW_MS) correlated.set(other.id, other);
      }
    }
    for (const correlation of this.correlationsOf(eventId)) {
      if (correlation.kind !== 'CORRELATED_WITH') continue;
      const otherId = correlation.fromEventId === eventId ? correlation.toEventId : correlation.fromEventId;
      const other = this.log.get(otherId);
      if (other) correlated.set(other.id, other);
    }
    const ancestors = this.walkCausal(eventId, 'in').sort(oldestFirst);
    return {
      event: summarise(event),
      affectedResources,
      ownershipChain,
      dependencies,
      correlatedEvents: [...correlated.values()].sort(oldestFirst).slice(0, 50).map(summarise),
      rootCause: ancestors[0] ? summarise(ancestors[0]) : null,
      consequences: this.walkCausal(eventId, 'out').sort(oldestFirst).slice(0, 50).map(summarise),
    };
  }

  async impact(ref: EntityRef): Promise<ImpactAnswer> {
    const keys = this.keysFor(ref);
    const key = keys[0];
    const empty = { pods: [], workloads: [], services: [], ingresses: [], nodes: [] };
    if (!key || !this.topology.has(key)) return { entity: ref, known: false, ...empty };
    const pods = new Set(podsReachedBy(this.topology, key));

    const workloads = new Set<string>();
    const services = new Set<string>();
    const ingresses = new Set<string>();
    const nodes = new Set<string>();
    for (const pod of pods) {
      const chain = this.topology.ownerChain(pod);
      const top = chain[chain.length - 1];
      if (top) workloads.add(top);
      this.topology.in(pod, 'SELECTS').forEach((service) => services.add(service));
      this.topology.out(pod, 'RUNS_ON').forEach((node) => nodes.add(node));
    }
    for (const service of services) this.topology.in(service, 'ROUTES_TO').forEach((ingress) => ingresses.add(ingress));
    const refs = (set: Set<string>) => [...set].map((item) => this.refOf(item)).sort(byEntityKey);
    return { entity: this.refOf(key), known: true, pods: refs(pods), workloads: refs(workloads), services: refs(services), ingresses: refs(ingresses), nodes: refs(nodes) };
  }

  async timeline(ref: EntityRef, range: TimeRange): Promise<UnifiedEvent[]> {
    return this.eventsOnRef(ref)
      .filter((event) => inRange(event.timestamp, range))
      .sort(oldestFirst)
      .slice(0, 500);
  }

  async deathSpirals(since: string, minRestarts: number): Promise<DeathSpiral[]> {
    const from = Date.parse(since);
    const spirals: DeathSpiral[] = [];
    for (const [key, ids] of this.affects) {
      const ref = parseEntityKey(key);
      if (ref?.kind !== 'Pod') continue;
      let restarts = 0;
      for (const id of ids) {
        const event = this.log.get(id);
        if (event?.type === 'pod_restart' && Date.parse(event.timestamp) >= from) restarts += 1;
      }
      if (restarts > minRestarts) spirals.push({ entity: this.refOf(key), restarts });
    }
    return spirals.sort((a, b) => b.restarts - a.restarts || byEntityKey(a.entity, b.entity));
  }

  async patternDiscovery(minOccurrences: number): Promise<CauseEffectCount[]> {
    const counts = new Map<string, CauseEffectCount>();
    for (const byId of this.correlationsOut.values()) {
      for (const correlation of byId.values()) {
        if (!CAUSAL.includes(correlation.kind)) continue;
        const cause = this.log.get(correlation.fromEventId)?.type;
        const effect = this.log.get(correlation.toEventId)?.type;
        if (!cause || !effect) continue;
        const id = `${cause}>${effect}`;
        const entry = counts.get(id) ?? { cause, effect, occurrences: 0 };
        entry.occurrences += 1;
        counts.set(id, entry);
      }
    }
    return [...counts.values()]
      .filter((entry) => entry.occurrences >= minOccurrences)
      .sort((a, b) => b.occurrences - a.occurrences || a.cause.localeCompare(b.cause) || a.effect.localeCompare(b.effect));
  }

  async stats(): Promise<GraphStats> {
    let affectsCount = 0;
    for (const ids of this.affects.values()) affectsCount += ids.length;
    return {
      resources: this.topology.size,
      events: this.log.size,
      relationships: this.topology.relationshipCount + affectsCount + this.correlationCount,
      insights: this.insightById.size,
    };
  }

  // ---- internals ---------------------------------------------------------

  private index(key: string, ref: EntityRef): void {
    if (this.indexed.has(key)) return;
    this.indexed.add(key);
    const id = clusterlessKey(ref);
    let keys = this.clusterless.get(id);
    if (!keys) this.clusterless.set(id, (keys = new Set()));
    keys.add(key);
  }

  private ensureNode(key: string, at: string, ref?: EntityRef): void {
    if (this.indexed.has(key)) return;
    // A shared index may already hold the node (the engine saw the event first): index it here all the same.
    const resolved = this.topology.node(key)?.ref ?? ref ?? parseEntityKey(key);
    if (!resolved) return;
    if (!this.topology.has(key)) this.topology.ensure({ key, ref: resolved, deleted: false, updatedAt: at });
    this.index(key, resolved);
  }

  /** Keys an API-style reference names: exact when it has a cluster, every cluster's otherwise. */
  private keysFor(ref: EntityRef): string[] {
    if (ref.cluster) return [entityKey(ref)];
    return [...(this.clusterless.get(clusterlessKey(ref)) ?? [])].sort();
  }

  private refOf(key: string): EntityRef {
    const node = this.topology.node(key);
    if (node) return node.ref;
    return parseEntityKey(key) ?? { kind: 'Unknown', name: key };
  }

  private eventsOnKey(key: string): UnifiedEvent[] {
    const ids = this.affects.get(key);
    if (!ids) return [];
    const events: UnifiedEvent[] = [];
    for (const id of ids) {
      const event = this.log.get(id);
      if (event) events.push(event);
    }
    if (events.length < ids.length) this.affects.set(key, events.map((event) => event.id));
    return events;
  }

  /** Every event newest first by event time, starting at the cursor (or `until`) when given. */
  private *eventsNewestFirst(cursor: { timestamp: string } | undefined, until: string | undefined): IterableIterator<UnifiedEvent> {
    const bounds = [cursor?.timestamp, until].filter((value): value is string => value !== undefined).map((value) => Date.parse(value));
    for (const id of this.byTime.newestFirst(bounds.length ? Math.min(...bounds) : undefined)) {
      const event = this.log.get(id);
      if (event) yield event;
    }
  }

  private eventsOnRef(ref: EntityRef): UnifiedEvent[] {
    return this.keysFor(ref).flatMap((key) => this.eventsOnKey(key));
  }

  private correlationsOf(eventId: string): Correlation[] {
    return [...(this.correlationsOut.get(eventId)?.values() ?? []), ...(this.correlationsIn.get(eventId)?.values() ?? [])];
  }

  /** Causal ancestors ('in') or descendants ('out') over CAUSED / TRIGGERED, excluding the start. */
  private walkCausal(start: string, direction: 'in' | 'out'): UnifiedEvent[] {
    const seen = new Set([start]);
    const queue = [start];
    const found: UnifiedEvent[] = [];
    while (queue.length && found.length < MAX_WALK) {
      const current = queue.shift() as string;
      const edges = (direction === 'in' ? this.correlationsIn : this.correlationsOut).get(current);
      for (const correlation of edges?.values() ?? []) {
        if (!CAUSAL.includes(correlation.kind)) continue;
        const next = direction === 'in' ? correlation.fromEventId : correlation.toEventId;
        if (seen.has(next)) continue;
        seen.add(next);
        const event = this.log.get(next);
        if (!event) continue;
        found.push(event);
        queue.push(next);
        if (found.length >= MAX_WALK) break;
      }
    }
    return found;
  }

  private dependenciesOf(start: string, maxHops: number): string[] {
    const seen = new Set([start]);
    let frontier = [start];
    for (let hop = 0; hop < maxHops && frontier.length; hop += 1) {
      const next: string[] = [];
      for (const key of frontier) {
        for (const type of DEPENDENCY_EDGES) {
          for (const other of [...this.topology.out(key, type), ...this.topology.in(key, type)]) {
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

  private unindexInsight(insight: Insight): void {
    for (const key of insightEntityKeys(insight)) this.insightsByKey.get(key)?.delete(insight.id);
  }

  private insightsAbout(keys: string[]): Insight[] {
    const ids = new Set<string>();
    for (const key of keys) for (const id of this.insightsByKey.get(key) ?? []) ids.add(id);
    return [...ids].map((id) => this.insightById.get(id)).filter((insight): insight is Insight => insight !== undefined);
  }

  private forgetEvent(event: UnifiedEvent): void {
    this.byTime.remove(Date.parse(event.timestamp));
    // Its AFFECTS edge goes with it; retention evicts oldest first, so the id is at the front.
    if (event.entity) {
      const key = entityKey(event.entity);
      const ids = this.affects.get(key);
      const at = ids ? (ids[0] === event.id ? 0 : ids.indexOf(event.id)) : -1;
      if (ids && at !== -1) {
        if (at === 0) ids.shift();
        else ids.splice(at, 1);
        if (ids.length === 0) this.affects.delete(key);
      }
    }
    for (const correlation of this.correlationsOf(event.id)) {
      const id = `${correlation.kind}|${correlation.fromEventId}|${correlation.toEventId}`;
      if (this.correlationsOut.get(correlation.fromEventId)?.delete(id)) this.correlationCount -= 1;
      this.correlationsIn.get(correlation.toEventId)?.delete(id);
    }
    this.correlationsOut.delete(event.id);
    this.correlationsIn.delete(event.id);
  }

  private async saveNow(): Promise<void> {
    if (!this.options.snapshotFile) return;
    const correlations: Correlation[] = [];
    for (const byId of this.correlationsOut.values()) correlations.push(...byId.values());
    const feedback: Feedback[] = [];
    for (const byId of this.feedbackByPattern.values()) feedback.push(...byId.values());
    await saveSnapshot(this.options.snapshotFile, {
      topology: this.topology.toJSON(),
      events: this.log.all(),
      correlations,
      insights: [...this.insightById.values()],
      predictions: [...this.predictionById.values()],
      feedback,
      patterns: [...this.patternById.values()],
    });
  }

  private restore(content: SnapshotContent): void {
    this.topology.load(content.topology);
    for (const node of content.topology.nodes) this.index(node.key, node.ref);
    void this.writeEvents(content.events);
    void this.writeCorrelations(content.correlations);
    void this.writeInsights(content.insights, content.predictions);
    void this.upsertPatterns(content.patterns);
    for (const feedback of content.feedback) void this.writeFeedback(feedback);
  }
}

