import {
  newestFirst,
  severityRank,
  type EntityRef,
  type EventQuery,
  type Feedback,
  type GraphReader,
  type GraphStats,
  type Insight,
  type InsightQuery,
  type Page,
  type PatternConfidence,
  type Prediction,
  type ResourceNode,
  type TopologyEdge,
  type TopologySnapshot,
  type UnifiedEvent,
} from '@tapio/domain';
import { afterCursor, decodeCursor, encodeCursor } from './ordering.js';
import { inRange } from './in-range.js';
import type { MemoryGraphData } from './parts/memory-graph-data.js';

/** Lookups and pages over the embedded graph. */
export class MemoryGraphReader implements GraphReader {
  constructor(private readonly data: MemoryGraphData) {}

  async resource(ref: EntityRef): Promise<ResourceNode | undefined> {
    const key = this.data.names.keysFor(ref)[0];
    return key ? this.data.topology.node(key) : undefined;
  }

  async edgesOf(key: string): Promise<TopologyEdge[]> {
    return this.data.topology.edgesOf(key);
  }

  async topologySnapshot(): Promise<TopologySnapshot> {
    // Node objects are never changed in place (a change replaces them), so sharing them is safe.
    return this.data.topology.toJSON();
  }

  async event(id: string): Promise<UnifiedEvent | undefined> {
    return this.data.events.get(id);
  }

  async events(query: EventQuery): Promise<Page<UnifiedEvent>> {
    const { events, names } = this.data;
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const minSeverity = query.minSeverity ? severityRank(query.minSeverity) : 0;
    const types = query.type ? new Set(query.type) : undefined;
    const candidates: Iterable<UnifiedEvent> = query.entity
      ? names.keysFor(query.entity).flatMap((key) => events.onKey(key)).sort(newestFirst)
      : events.newestFirst(cursor, query.until);
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
    return this.data.insights.get(id);
  }

  async insights(query: InsightQuery): Promise<Page<Insight>> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const minSeverity = query.minSeverity ? severityRank(query.minSeverity) : 0;
    const pool = query.entity ? this.data.insights.about(this.data.names.keysFor(query.entity)) : this.data.insights.values();
    const sorted = pool
      .map((insight) => ({ insight, timestamp: insight.firstSeen, id: insight.id }))
      .filter(({ insight }) => (!query.pattern || insight.pattern === query.pattern) && severityRank(insight.severity) >= minSeverity)
      .filter(({ insight }) => !query.rootsOnly || !insight.explainedBy)
      .filter(({ insight }) => (!query.since || Date.parse(insight.lastSeen) >= Date.parse(query.since)) && (!query.until || Date.parse(insight.firstSeen) <= Date.parse(query.until)))
      .sort(newestFirst)
      .filter((item) => afterCursor(item, cursor));
    const page = sorted.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(({ insight }) => insight), nextCursor: sorted.length > query.limit && last ? encodeCursor(last.timestamp, last.id) : null };
  }

  async prediction(id: string): Promise<Prediction | undefined> {
    return this.data.predictions.get(id);
  }

  async predictionsOf(query: { patternId?: string; insightId?: string }): Promise<Prediction[]> {
    return [...this.data.predictions.values()]
      .filter((prediction) => (query.patternId === undefined || prediction.patternId === query.patternId) && (query.insightId === undefined || prediction.insightId === query.insightId))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async feedbackFor(patternId: string): Promise<Feedback[]> {
    return [...(this.data.feedback.get(patternId)?.values() ?? [])].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
  }

  async patterns(): Promise<PatternConfidence[]> {
    return [...this.data.patterns.values()].sort((a, b) => a.patternId.localeCompare(b.patternId));
  }

  async stats(): Promise<GraphStats> {
    const { topology, events, correlations, insights } = this.data;
    return {
      resources: topology.size,
      events: events.size,
      relationships: topology.relationshipCount + events.affectsCount + correlations.count,
      insights: insights.size,
    };
  }
}
