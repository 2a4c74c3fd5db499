import { readFileSync } from 'node:fs';
import {
  entityKey,
  parseEntityKey,
  type Correlation,
  type EntityRef,
  type Feedback,
  type GraphStore,
  type Insight,
  type PatternConfidence,
  type Prediction,
  type TopologyChange,
  type UnifiedEvent,
} from '@tapio/domain';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import {
  CorrelationEngine,
  loadBuiltinPatterns,
  builtinCorrelators,
} from '@tapio/correlation';
import { DeadLetterStore, MemoryGraphStore } from '@tapio/embedded';
import { Neo4jGraphStore } from '@tapio/neo4j';
import { Pipeline } from '@tapio/pipeline';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeo4j, type Neo4jTestServer } from '../../../tools/neo4j/test-server.mjs';
import { checkoutStory } from '../../../libs/integrations/neo4j/test/graph-fixture.js';

/**
 * The GraphStore contract: the embedded store (the reference) and the Neo4j store are fed
 * exactly the same writes — recorded incidents through the real pipeline and correlation
 * engine, and a hand-built story — and must give the same answer to every question.
 */

interface Written {
  events: UnifiedEvent[];
  keys: Set<string>;
  insights: Insight[];
  predictions: Prediction[];
  patterns: PatternConfidence[];
  feedback: Feedback[];
}

/** Both stores, and everything written to them (to know what to ask about). */
class Pair {
  readonly written: Written = { events: [], keys: new Set(), insights: [], predictions: [], patterns: [], feedback: [] };
  constructor(
    readonly memory: GraphStore,
    readonly neo4j: GraphStore,
  ) {}

  private get both(): GraphStore[] {
    return [this.memory, this.neo4j];
  }

  async topology(changes: TopologyChange[]): Promise<void> {
    if (!changes.length) return;
    for (const change of changes) {
      if (change.op === 'delete') this.written.keys.add(change.key);
      else [change.node.key, ...change.edges.flatMap((edge) => [edge.from, edge.to])].forEach((key) => this.written.keys.add(key));
    }
    for (const store of this.both) await store.write({ topology: changes });
  }

  async events(events: UnifiedEvent[]): Promise<void> {
    this.written.events.push(...events);
    for (const event of events) if (event.entity) this.written.keys.add(entityKey(event.entity));
    for (const store of this.both) await store.write({ events: events });
  }

  async correlations(correlations: Correlation[]): Promise<void> {
    if (correlations.length) for (const store of this.both) await store.write({ correlations: correlations });
  }

  async insights(insights: Insight[], predictions: Prediction[]): Promise<void> {
    if (!insights.length && !predictions.length) return;
    this.written.insights.push(...insights);
    this.written.predictions.push(...predictions);
    for (const store of this.both) await store.write({ insights: insights, predictions: predictions });
  }

  async patterns(patterns: PatternConfidence[]): Promise<void> {
    this.written.patterns.push(...patterns);
    for (const store of this.both) await store.upsertPatterns(patterns);
  }

  async feedback(feedback: Feedback): Promise<void> {
    this.written.feedback.push(feedback);
    for (const store of this.both) await store.writeFeedback(feedback);
  }

  /** Asks both stores the same question and requires the same answer. */
  async same<T>(question: string, ask: (store: GraphStore) => Promise<T>, normalise: (answer: T) => unknown = (answer) => answer): Promise<T> {
    const reference = await ask(this.memory);
    const candidate = await ask(this.neo4j);
    expect(normalise(candidate), question).toEqual(normalise(reference));
    return reference;
  }
}

const RECORDINGS = new URL('../../../examples/recordings/', import.meta.url);

/** A recorded incident through the pipeline and the correlation engine into both stores, in the runtime's order. */
async function replay(pair: Pair, name: string): Promise<void> {
  const deadLetters = new DeadLetterStore();
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters });
  const engine = new CorrelationEngine(builtinCorrelators());
  engine.setPatterns(loadBuiltinPatterns());
  const lines = readFileSync(new URL(`${name}.ndjson`, RECORDINGS), 'utf8').split('\n').filter(Boolean);
  for (const [index, line] of lines.entries()) {
    const result = pipeline.processLine(line, `${name}.ndjson:${index + 1}`);
    if (!result.ok) throw new Error(`${name}.ndjson line ${index + 1} rejected: ${result.reason}`);
    for (const event of result.events) {
      const output = engine.process(event);
      await pair.topology(output.topology);
      await pair.events([event]);
      await pair.correlations(output.correlations);
      await pair.insights(output.insights, output.predictions);
    }
  }
  // The recording ended: held matches are reported (as tapio analyze does), and the folds they make.
  const released = engine.releaseDue(Number.POSITIVE_INFINITY);
  await pair.insights(released.insights, released.predictions);
  // A learned confidence per matched pattern, and feedback on the first prediction.
  const predictions = engine.predictions();
  const patternIds = [...new Set(predictions.map((prediction) => prediction.patternId))].sort();
  await pair.patterns(patternIds.map((patternId, index) => ({ patternId, baseConfidence: 0.8, confidence: 0.8 - index * 0.01, accuracy: null, feedbackCount: 0, accurateCount: 0, matches: engine.matches(patternId), status: 'learning' as const })));
  const first = predictions[0];
  if (first) {
    await pair.feedback({ id: `${name}-feedback`, predictionId: first.id, patternId: first.patternId, accurate: true, rating: 1, comment: 'right', timestamp: '2026-03-02T12:00:00Z' });
  }
}

/** The hand-built checkout story, including a deletion and a selector change. */
async function handBuilt(pair: Pair): Promise<void> {
  const story = checkoutStory('contract');
  await pair.topology(story.topology);
  await pair.events(story.allEvents);
  await pair.correlations(story.correlations);
  await pair.patterns([story.pattern]);
  await pair.insights([story.insight, story.lesserInsight], [story.prediction]);
  await pair.feedback(story.feedback);
  // A prediction with a deadline, written open and again once later events judged it: the result replaces nothing else.
  const open: Prediction = {
    ...story.prediction,
    id: `${story.prediction.id}-oom`,
    patternId: 'memory-limit-approaching',
    type: 'oom_kill',
    message: 'Container app of Pod shop/checkout-1 will be OOMKilled in about 4 minutes at the current growth',
    expects: { eventTypes: ['oom_killed', 'oom_kill'], entity: story.refs.pod1, container: 'app' },
    deadline: '2026-03-02T10:12:00Z',
  };
  await pair.insights([], [open]);
  await pair.insights([], [{ ...open, result: { status: 'came_true', at: '2026-03-02T10:08:30Z', eventId: story.allEvents[0]?.id ?? 'evt' } }]);
  for (const store of [pair.memory, pair.neo4j]) {
    await store.flush();
    expect((await store.prediction(open.id))?.result?.status, 'the judged prediction in both stores').toBe('came_true');
  }
  await pair.topology([{ op: 'delete', key: story.key(story.refs.pod2), at: '2026-03-02T10:09:00Z' }]);
  // Who calls whom, inferred with its evidence (the dependency model's DEPENDS_ON), as the engine writes it.
  const caller = story.topology.find((change) => change.op === 'upsert' && change.node.key === story.key(story.refs.deployment));
  if (caller?.op !== 'upsert') throw new Error('the checkout story has no Deployment');
  const callee = story.key(story.refs.service);
  const evidence = 'probe_failed: Readiness probe failed: dial tcp 10.100.7.21:8080: connect: connection refused';
  await pair.topology([{ op: 'upsert', node: caller.node, replace: [{ type: 'DEPENDS_ON', direction: 'out' }], edges: [{ type: 'DEPENDS_ON', from: caller.node.key, to: callee, evidence }] }]);
  for (const store of [pair.memory, pair.neo4j]) {
    await store.flush();
    expect(await store.edgesOf(caller.node.key), 'DEPENDS_ON in both stores').toContainEqual(expect.objectContaining({ type: 'DEPENDS_ON', from: caller.node.key, to: callee }));
  }
}

/**
 * A causal chain 150 events deep with a diamond (two causes of one effect, one shared
 * ancestor) and a fan-out: the walks must visit each event once, nearest first.
 */
async function deepChain(pair: Pair): Promise<void> {
  const pod = { cluster: 'contract', kind: 'Pod', namespace: 'deep', name: 'chain-0' };
  const event = (id: string, offsetSeconds: number): UnifiedEvent => ({
    id,
    type: 'pod_restart',
    timestamp: new Date(Date.parse('2026-03-02T10:00:00Z') + offsetSeconds * 1000).toISOString(),
    source: 'kubeapi',
    severity: 'medium',
    message: `restart ${id}`,
    semantic: { intent: 'restart', category: 'lifecycle', narrative: `restart ${id}` },
    entity: pod,
    processedAt: '2026-03-02T12:00:00Z',
  });
  const chain = Array.from({ length: 150 }, (_, index) => event(`deep-${index}`, index * 10));
  const side = [event('deep-side-a', 401), event('deep-side-b', 402), ...Array.from({ length: 5 }, (_, index) => event(`deep-fan-${index}`, 1500 + index))];
  const link = (from: string, to: string): Correlation => ({ kind: 'CAUSED', fromEventId: from, toEventId: to, confidence: 0.8, reason: 'contract', correlator: 'contract' });
  await pair.events([...chain, ...side]);
  await pair.correlations([
    ...chain.slice(1).map((item, index) => link(`deep-${index}`, item.id)),
    // deep-40 -> side-a -> deep-42 and deep-40 -> side-b -> deep-42: deep-42 has three causes.
    link('deep-40', 'deep-side-a'),
    link('deep-40', 'deep-side-b'),
    link('deep-side-a', 'deep-42'),
    link('deep-side-b', 'deep-42'),
    ...side.slice(2).map((item) => link('deep-149', item.id)),
  ]);
}

const sortedEdges = (edges: { type: string; from: string; to: string }[]) => edges.map((edge) => `${edge.type} ${edge.from} ${edge.to}`).sort();
const withoutCluster = (ref: EntityRef): EntityRef => ({ kind: ref.kind, name: ref.name, namespace: ref.namespace ?? null });

/** Every question of the port, on everything written. */
async function compareEverything(pair: Pair): Promise<void> {
  await pair.memory.flush();
  await pair.neo4j.flush();
  const { written } = pair;
  await pair.same('stats', (store) => store.stats());
  await pair.same('topologySnapshot', (store) => store.topologySnapshot(), (snapshot) => ({ nodes: [...snapshot.nodes].sort((a, b) => a.key.localeCompare(b.key)), edges: sortedEdges(snapshot.edges) }));

  const refs = [...written.keys].map((key) => parseEntityKey(key)).filter((ref): ref is EntityRef => ref !== undefined);
  for (const ref of refs) {
    const key = entityKey(ref);
    await pair.same(`resource ${key}`, (store) => store.resource(ref));
    await pair.same(`resource without cluster ${key}`, (store) => store.resource(withoutCluster(ref)));
    await pair.same(`edgesOf ${key}`, (store) => store.edgesOf(key), sortedEdges);
    await pair.same(`impact ${key}`, (store) => store.impact(withoutCluster(ref)));
  }
  const entities = refs.filter((ref) => ['Pod', 'Deployment', 'ReplicaSet', 'Node', 'ConfigMap', 'Service', 'StatefulSet'].includes(ref.kind));
  const times = written.events.map((event) => event.timestamp).sort();
  const middle = times[Math.floor(times.length / 2)] as string;
  for (const ref of entities) {
    const key = entityKey(ref);
    await pair.same(`why ${key}`, (store) => store.why(withoutCluster(ref), {}));
    await pair.same(`why ${key} since ${middle}`, (store) => store.why(ref, { since: middle }));
    await pair.same(`timeline ${key}`, (store) => store.timeline(withoutCluster(ref), {}));
    await pair.same(`timeline ${key} until ${middle}`, (store) => store.timeline(ref, { until: middle }));
    await pair.same(`events of ${key}`, (store) => store.events({ entity: withoutCluster(ref), limit: 1000 }));
    await pair.same(`insights about ${key}`, (store) => store.insights({ entity: ref, limit: 1000 }));
  }

  const ids = written.events.map((event) => event.id);
  for (const id of ids) await pair.same(`event ${id}`, (store) => store.event(id));
  // Context of every event that is a failure or a change, and every fifth of the rest.
  const asked = written.events.filter((event, index) => event.severity !== 'info' || index % 5 === 0);
  for (const event of asked) await pair.same(`eventContext ${event.id} (${event.type})`, (store) => store.eventContext(event.id));
  await pair.same('eventContext of an unknown id', (store) => store.eventContext('no-such-event'));

  for (const insight of written.insights) await pair.same(`insight ${insight.id}`, (store) => store.insight(insight.id));
  for (const prediction of written.predictions) await pair.same(`prediction ${prediction.id}`, (store) => store.prediction(prediction.id));
  for (const pattern of written.patterns) await pair.same(`feedbackFor ${pattern.patternId}`, (store) => store.feedbackFor(pattern.patternId));
  for (const patternId of new Set(written.predictions.map((prediction) => prediction.patternId))) await pair.same(`predictionsOf pattern ${patternId}`, (store) => store.predictionsOf({ patternId }));
  for (const insightId of new Set(written.predictions.flatMap((prediction) => (prediction.insightId ? [prediction.insightId] : [])))) {
    await pair.same(`predictionsOf insight ${insightId}`, (store) => store.predictionsOf({ insightId }));
  }
  await pair.same('patterns', (store) => store.patterns());
  await pair.same('insights, all', (store) => store.insights({ limit: 1000 }));
  await pair.same('insights, high and above', (store) => store.insights({ limit: 1000, minSeverity: 'high' }));
  await pair.same('insights, one per cause (folded ones left out)', (store) => store.insights({ limit: 1000, rootsOnly: true }));
  await pair.same(`insights since ${middle}`, (store) => store.insights({ limit: 1000, since: middle }));
  await pair.same('events, failures', (store) => store.events({ limit: 1000, minSeverity: 'medium' }));
  await pair.same('events, restarts and crash loops', (store) => store.events({ limit: 1000, type: ['pod_restart', 'crash_loop', 'oom_killed'] }));
  await pair.same(`events until ${middle}`, (store) => store.events({ limit: 1000, until: middle }));

  // Paging: every page of 7 in turn, following each store's own cursor.
  for (const limit of [7, 50]) {
    const pages = await Promise.all(
      [pair.memory, pair.neo4j].map(async (store) => {
        const seen: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.events({ limit, ...(cursor ? { cursor } : {}) });
          seen.push(page.items.map((event) => event.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor && seen.length < 10_000);
        return seen;
      }),
    );
    expect(pages[1], `event pages of ${limit}`).toEqual(pages[0]);
  }
  for (const since of [times[0] as string, middle]) {
    for (const minRestarts of [0, 1, 3]) await pair.same(`deathSpirals since ${since} > ${minRestarts}`, (store) => store.deathSpirals(since, minRestarts));
  }
  for (const minOccurrences of [1, 2, 5]) await pair.same(`patternDiscovery >= ${minOccurrences}`, (store) => store.patternDiscovery(minOccurrences));
}

/**
 * Folding as both stores keep it: the last version written of each insight says what it
 * explains and what explains it; Neo4j has one ALSO_EXPLAINS relation per fold, and the
 * list of roots leaves out exactly the folded insights.
 */
async function sameFolds(pair: Pair, expectFolds: boolean): Promise<void> {
  const last = new Map(pair.written.insights.map((insight) => [insight.id, insight]));
  const folds = [...last.values()].flatMap((insight) => (insight.explainedBy ? [`${insight.explainedBy.insightId} -> ${insight.id}`] : [])).sort();
  const listed = [...last.values()].flatMap((insight) => (insight.alsoExplains ?? []).map((fold) => `${insight.id} -> ${fold.insightId}`)).sort();
  expect(folds.length > 0, 'folds written').toBe(expectFolds);
  expect(listed, 'what the roots list is what the folded ones name').toEqual(folds);
  const relations = await driver.executeQuery('MATCH (root:Insight)-[rel:ALSO_EXPLAINS]->(folded:Insight) RETURN root.id AS root, folded.id AS folded, folded.explained_by AS explainedBy, rel.reason AS reason');
  expect(relations.records.map((record) => `${record.get('root')} -> ${record.get('folded')}`).sort(), 'ALSO_EXPLAINS in Neo4j').toEqual(folds);
  for (const record of relations.records) expect(record.get('explainedBy')).toBe(record.get('root'));
  for (const store of [pair.memory, pair.neo4j]) {
    const roots = (await store.insights({ limit: 1000, rootsOnly: true })).items.map((insight) => insight.id).sort();
    expect(roots).toEqual([...last.values()].filter((insight) => !insight.explainedBy).map((insight) => insight.id).sort());
  }
}

let server: Neo4jTestServer;
let driver: Driver;

beforeAll(async () => {
  server = await startNeo4j();
  driver = neo4j.driver(server.uri);
}, 360_000);
afterAll(async () => {
  await driver?.close();
  await server?.stop();
});

async function freshPair(): Promise<{ pair: Pair; stop: () => Promise<void> }> {
  await driver.executeQuery('MATCH (n) DETACH DELETE n');
  const memory = new MemoryGraphStore();
  const graph = new Neo4jGraphStore({ uri: server.uri, batchSize: 500 });
  await memory.start();
  await graph.start();
  return {
    pair: new Pair(memory, graph),
    stop: async () => {
      await memory.stop();
      await graph.stop();
    },
  };
}

describe('GraphStore contract: MemoryGraphStore and Neo4jGraphStore give the same answers', () => {
  // The folding recording is the benign rollout with an incident added (the catalog pods cannot attach their volume, its Service folds into them): it replaces the plain benign one.
  it.each(['configmap-cascade', 'oom-cascade', 'generated/callers-refused-volume'])('replaying %s', async (name) => {
    const { pair, stop } = await freshPair();
    try {
      await replay(pair, name);
      expect(pair.written.events.length).toBeGreaterThan(50);
      expect(pair.written.insights.length).toBeGreaterThan(0);
      await compareEverything(pair);
      await sameFolds(pair, name.startsWith('generated/'));
      // Redelivery of everything changes no answer.
      for (const store of [pair.memory, pair.neo4j]) await store.write({ events: pair.written.events });
      await compareEverything(pair);
    } finally {
      await stop();
    }
  }, 600_000);

  it('on a causal chain 150 deep with a diamond and a fan-out', async () => {
    const { pair, stop } = await freshPair();
    try {
      await deepChain(pair);
      await compareEverything(pair);
      const context = await pair.neo4j.eventContext('deep-149');
      expect(context?.rootCause?.id).toBe('deep-0');
      expect((await pair.neo4j.eventContext('deep-0'))?.consequences.length).toBe(50);
    } finally {
      await stop();
    }
  }, 300_000);

  it('on the hand-built story with a deletion', async () => {
    const { pair, stop } = await freshPair();
    try {
      await handBuilt(pair);
      await compareEverything(pair);
    } finally {
      await stop();
    }
  }, 300_000);
});
