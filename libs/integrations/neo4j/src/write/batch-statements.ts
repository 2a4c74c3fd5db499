import {
  entityKey,
  insightEntities,
  insightEntityKeys,
  parseEntityKey,
  TOPOLOGY_RELATIONSHIPS,
  type Correlation,
  type Feedback,
  type Insight,
  type PatternConfidence,
  type Prediction,
  type ResourceNode,
  type TopologyChange,
  type TopologyRelationship,
  type UnifiedEvent,
} from '@tapio/domain';
import { feedbackProperties, insightProperties, patternProperties, predictionProperties } from '../codec/insight-codec.js';
import { resourceProperties, stubNode } from '../codec/resource-codec.js';
import { toDateTime, toDuration, toInteger } from '../codec/temporal.js';
import { eventStatement } from './event-statements.js';
import type { Statement } from './statement.js';
import { byLabel, stubStatements, withoutNulls } from './stub-statements.js';
import { subBatches } from './sub-batches.js';
import type { WriteOp } from './write-op.js';

export type { Statement } from './statement.js';

const TOPOLOGY_TYPES = TOPOLOGY_RELATIONSHIPS.join('|');

type Upsert = Extract<TopologyChange, { op: 'upsert' }>;
type Delete = Extract<TopologyChange, { op: 'delete' }>;

interface Collected {
  upserts: Upsert[];
  deletes: Delete[];
  events: UnifiedEvent[];
  correlations: Correlation[];
  predictions: Prediction[];
  insights: Insight[];
  patterns: PatternConfidence[];
  feedback: Feedback[];
}

function collect(ops: readonly WriteOp[], eventIds: Set<string>): Collected {
  const collected: Collected = { upserts: [], deletes: [], events: [], correlations: [], predictions: [], insights: [], patterns: [], feedback: [] };
  for (const op of ops) {
    switch (op.kind) {
      case 'topology':
        if (op.change.op === 'upsert') collected.upserts.push(op.change);
        else collected.deletes.push(op.change);
        break;
      case 'event':
        // The first write of an id wins, as in every replay or redelivery.
        if (!eventIds.has(op.event.id)) collected.events.push(op.event);
        eventIds.add(op.event.id);
        break;
      case 'correlation':
        collected.correlations.push(op.correlation);
        break;
      case 'prediction':
        collected.predictions.push(op.prediction);
        break;
      case 'insight':
        collected.insights.push(op.insight);
        break;
      case 'pattern':
        collected.patterns.push(op.pattern);
        break;
      case 'feedback':
        collected.feedback.push(op.feedback);
        break;
    }
  }
  return collected;
}

function resourceUpserts(upserts: Upsert[]): Statement[] {
  const rows = upserts.map((change) => ({ key: change.node.key, kind: change.node.ref.kind, props: withoutNulls(resourceProperties({ ...change.node, deleted: false }, false)) }));
  return [...byLabel(rows, (row) => row.kind)].map(([label, group]) => ({
    text: `UNWIND $rows AS row MERGE (r:Resource {key: row.key}) SET r = row.props${label ? ` SET r:${label}` : ''}`,
    params: { rows: group.map(({ key, props }) => ({ key, props })) },
  }));
}

/**
 * Nodes only referenced by edges and insights: created if missing, never overwritten. A key
 * that only events of this sub-batch name gets its node from the event statement's follow-up,
 * and only if it is missing (in the steady state it exists: a stub MERGE per event key was a
 * locking index seek per event). Which reference's time a stub carries is as before: an edge's,
 * then the first event's, then the insight's.
 */
function stubEnsures(upserts: Upsert[], events: UnifiedEvent[], insights: Insight[]): Statement[] {
  const stubs = new Map<string, ResourceNode>();
  // Nodes this sub-batch upserts exist by now (upserts come first): no stub for them.
  const upserted = new Set(upserts.map((change) => change.node.key));
  for (const change of upserts) {
    // Every endpoint named, kept or not, as the reference store does.
    for (const edge of change.edges) {
      for (const key of [edge.from, edge.to]) {
        if (stubs.has(key) || upserted.has(key)) continue;
        const node = stubNode(key, change.node.updatedAt);
        if (node) stubs.set(key, node);
      }
    }
  }
  if (!insights.length) return stubStatements([...stubs.values()]);
  const byEvents = new Map<string, ResourceNode>();
  for (const event of events) {
    if (!event.entity) continue;
    const key = entityKey(event.entity);
    if (!stubs.has(key) && !upserted.has(key) && !byEvents.has(key)) byEvents.set(key, stubNode(key, event.timestamp, event.entity) as ResourceNode);
  }
  for (const insight of insights) {
    for (const ref of insightEntities(insight)) {
      const key = entityKey(ref);
      if (!stubs.has(key) && !upserted.has(key)) stubs.set(key, byEvents.get(key) ?? (stubNode(key, insight.firstSeen, ref) as ResourceNode));
    }
  }
  return stubStatements([...stubs.values()]);
}

function intelligenceNodes(collected: Collected): Statement[] {
  const statements: Statement[] = [];
  const add = (text: string, rows: unknown[]) => rows.length && statements.push({ text, params: { rows } });
  add('UNWIND $rows AS row MERGE (n:Prediction {id: row.id}) SET n = row.props', collected.predictions.map((p) => ({ id: p.id, props: predictionProperties(p) })));
  add('UNWIND $rows AS row MERGE (n:Pattern {id: row.id}) SET n = row.props', collected.patterns.map((p) => ({ id: p.patternId, props: patternProperties(p) })));
  add('UNWIND $rows AS row MERGE (n:Insight {id: row.id}) SET n = row.props', collected.insights.map((i) => ({ id: i.id, props: insightProperties(i) })));
  add('UNWIND $rows AS row MERGE (n:Feedback {id: row.id}) SET n = row.props', collected.feedback.map((f) => ({ id: f.id, props: feedbackProperties(f) })));
  // Patterns and predictions only referenced so far get a bare node to hang edges on.
  const patternIds = new Set([...collected.predictions.map((p) => p.patternId), ...collected.insights.flatMap((i) => (i.pattern ? [i.pattern] : []))]);
  add('UNWIND $rows AS id MERGE (:Pattern {id: id})', [...patternIds]);
  add('UNWIND $rows AS id MERGE (:Prediction {id: id})', [...new Set(collected.feedback.map((f) => f.predictionId))]);
  return statements;
}

function topologyDeletes(deletes: Delete[]): Statement[] {
  if (!deletes.length) return [];
  return [
    {
      text: `UNWIND $rows AS row MATCH (r:Resource {key: row.key})
SET r.deleted = true, r.updated_at = row.at, r.updated_at_text = row.atText
WITH r OPTIONAL MATCH (r)-[rel:${TOPOLOGY_TYPES}]-() DELETE rel`,
      params: { rows: deletes.map((change) => ({ key: change.key, at: toDateTime(change.at), atText: change.at })) },
    },
  ];
}

/** For every (type, direction) an upsert replaces: drop edges no longer listed, then merge the listed ones. */
function edgeReplacements(upserts: Upsert[]): Statement[] {
  const groups = new Map<string, { type: TopologyRelationship; direction: 'out' | 'in'; rows: { key: string; others: string[]; targets: { key: string; evidence: string | null }[] }[] }>();
  for (const change of upserts) {
    for (const { type, direction } of change.replace) {
      const id = `${type}:${direction}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { type, direction, rows: [] }));
      const listed = change.edges.filter((edge) => edge.type === type && (direction === 'out' ? edge.from === change.node.key : edge.to === change.node.key));
      // An inferred edge (DEPENDS_ON) carries its evidence as a relationship property.
      const targets = new Map<string, string | null>();
      for (const edge of listed) {
        const other = direction === 'out' ? edge.to : edge.from;
        if (parseEntityKey(other) !== undefined && !targets.has(other)) targets.set(other, edge.evidence ?? null);
      }
      group.rows.push({ key: change.node.key, others: [...targets.keys()], targets: [...targets].map(([key, evidence]) => ({ key, evidence })) });
    }
  }
  const statements: Statement[] = [];
  for (const { type, direction, rows } of groups.values()) {
    const pattern = direction === 'out' ? `(n)-[rel:${type}]->(o)` : `(n)<-[rel:${type}]-(o)`;
    // Only inferred edges (DEPENDS_ON) carry evidence; edges read from objects never do, so
    // they skip the property write (a null SET is still a write per edge).
    const evidence = type === 'DEPENDS_ON' || rows.some((row) => row.targets.some((target) => target.evidence !== null));
    // One statement per side: the node is found once, its edges no longer listed are deleted
    // (the subquery), then the listed ones merged (a row without targets stops after the
    // delete). Two statements did the node's index seek and a pass over the rows twice. Within
    // a sub-batch no other op lists edges on a replaced side, so the rows cannot interfere.
    statements.push({
      text: `UNWIND $rows AS row MATCH (n:Resource {key: row.key})
CALL { WITH n, row MATCH ${pattern} WHERE NOT o.key IN row.others DELETE rel }
WITH n, row UNWIND row.targets AS other MATCH (o:Resource {key: other.key}) MERGE ${pattern}${evidence ? ' SET rel.evidence = other.evidence' : ''}`,
      params: { rows },
    });
  }
  return statements;
}

function correlations(items: Correlation[]): Statement[] {
  const byKind = new Map<Correlation['kind'], Correlation[]>();
  for (const correlation of items) {
    let group = byKind.get(correlation.kind);
    if (!group) byKind.set(correlation.kind, (group = []));
    group.push(correlation);
  }
  return [...byKind].map(([kind, group]) => ({
    text: `UNWIND $rows AS row MATCH (a:Event {id: row.from}) MATCH (b:Event {id: row.to}) MERGE (a)-[r:${kind}]->(b) SET r = row.props`,
    params: {
      rows: group.map((c) => ({
        from: c.fromEventId,
        to: c.toEventId,
        props: {
          confidence: c.confidence,
          reason: c.reason,
          correlator: c.correlator,
          delay_ms: c.delayMs === undefined ? null : toInteger(c.delayMs),
          delay: c.delayMs === undefined ? null : toDuration(c.delayMs),
        },
      })),
    },
  }));
}

/**
 * Folding: (root:Insight)-[:ALSO_EXPLAINS {reason}]->(folded:Insight). An insight as written
 * is the truth about its own folds, from either side: its edges in and out are replaced by
 * those its `alsoExplains` and `explainedBy` name (the other insight already stored, or
 * written in the same unit: insight nodes are merged before these edges).
 */
function foldEdges(insights: readonly Insight[]): Statement[] {
  const rows = insights.map((insight) => ({
    id: insight.id,
    explains: (insight.alsoExplains ?? []).map((fold) => ({ id: fold.insightId, reason: fold.reason })),
    explainedBy: insight.explainedBy ? [{ id: insight.explainedBy.insightId, reason: insight.explainedBy.reason }] : [],
  }));
  if (!rows.length) return [];
  const statements: Statement[] = [{ text: 'UNWIND $rows AS row MATCH (i:Insight {id: row.id})-[rel:ALSO_EXPLAINS]-() DELETE rel', params: { rows } }];
  const out = rows.filter((row) => row.explains.length);
  if (out.length) statements.push({ text: 'UNWIND $rows AS row MATCH (i:Insight {id: row.id}) UNWIND row.explains AS fold MATCH (f:Insight {id: fold.id}) MERGE (i)-[rel:ALSO_EXPLAINS]->(f) SET rel.reason = fold.reason', params: { rows: out } });
  const into = rows.filter((row) => row.explainedBy.length);
  if (into.length) statements.push({ text: 'UNWIND $rows AS row MATCH (i:Insight {id: row.id}) UNWIND row.explainedBy AS fold MATCH (r:Insight {id: fold.id}) MERGE (r)-[rel:ALSO_EXPLAINS]->(i) SET rel.reason = fold.reason', params: { rows: into } });
  return statements;
}

function intelligenceEdges(collected: Collected): Statement[] {
  const statements: Statement[] = [];
  const add = (text: string, rows: unknown[]) => rows.length && statements.push({ text, params: { rows } });
  const insights = collected.insights.map((insight) => ({ id: insight.id, eventIds: insight.eventIds, pattern: insight.pattern ?? null, keys: insightEntityKeys(insight) }));
  add('UNWIND $rows AS row MATCH (i:Insight {id: row.id})-[rel:EXPLAINS|ABOUT]->() DELETE rel', insights);
  // What the insight is about (root cause, symptoms, affected): "why X?" starts from X's node.
  add('UNWIND $rows AS row MATCH (i:Insight {id: row.id}) UNWIND row.keys AS key MATCH (r:Resource {key: key}) MERGE (i)-[:ABOUT]->(r)', insights);
  add(
    'UNWIND $rows AS row MATCH (i:Insight {id: row.id}) UNWIND row.eventIds AS eventId MATCH (e:Event {id: eventId}) MERGE (i)-[:EXPLAINS]->(e)',
    insights.filter((row) => row.eventIds.length),
  );
  foldEdges(collected.insights).forEach((statement) => statements.push(statement));
  add(
    'UNWIND $rows AS row MATCH (p:Pattern {id: row.pattern}) UNWIND row.eventIds AS eventId MATCH (e:Event {id: eventId}) MERGE (e)-[:MATCHES]->(p)',
    insights.filter((row) => row.pattern && row.eventIds.length),
  );
  add(
    'UNWIND $rows AS row MATCH (p:Pattern {id: row.pattern}) MATCH (n:Prediction {id: row.id}) MERGE (p)-[:PREDICTED]->(n)',
    collected.predictions.map((p) => ({ id: p.id, pattern: p.patternId })),
  );
  add(
    'UNWIND $rows AS row MATCH (f:Feedback {id: row.id}) MATCH (n:Prediction {id: row.prediction}) MERGE (f)-[:VALIDATES]->(n)',
    collected.feedback.map((f) => ({ id: f.id, prediction: f.predictionId })),
  );
  return statements;
}

/**
 * The statements that apply one sub-batch (see `subBatches`): resource nodes first, then
 * events (with their AFFECTS edge to those resources) and the other nodes, then every
 * relationship between them; each an `UNWIND $rows ... MERGE` so replaying it changes nothing.
 */
export function batchStatements(ops: readonly WriteOp[], careful: boolean, eventIds = new Set<string>()): Statement[] {
  const collected = collect(ops, eventIds);
  return [
    ...resourceUpserts(collected.upserts),
    ...stubEnsures(collected.upserts, collected.events, collected.insights),
    ...(collected.events.length ? [eventStatement(collected.events, careful)] : []),
    ...intelligenceNodes(collected),
    ...topologyDeletes(collected.deletes),
    ...edgeReplacements(collected.upserts),
    ...correlations(collected.correlations),
    ...intelligenceEdges(collected),
  ];
}

/**
 * Every statement of one transaction: the batch cut into sub-batches (`subBatches`), each
 * applied set-wise. An event id is written once per batch, by its first op, whichever sub-batch
 * it is in. `careful`: see `eventStatement`.
 */
export function transactionStatements(ops: readonly WriteOp[], careful: boolean): Statement[] {
  const eventIds = new Set<string>();
  return subBatches(ops).flatMap((part) => batchStatements(part, careful, eventIds));
}
