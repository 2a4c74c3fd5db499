import {
  EVENT_SEMANTICS,
  entityKey,
  type Correlation,
  type EdgeSet,
  type EntityRef,
  type EventType,
  type Feedback,
  type Insight,
  type PatternConfidence,
  type Prediction,
  type TopologyChange,
  type TopologyEdge,
  type UnifiedEvent,
} from '@tapio/domain';
import type { Neo4jGraphStore } from '../src/index.js';

/**
 * A small checkout incident, built by hand: a ConfigMap edit, pods of a Deployment that
 * mount it restart, a Service and an Ingress in front of them. Used by the adapter tests
 * and the Browser query test; `cluster` keeps stories apart in one database.
 */
export function checkoutStory(cluster = 'test') {
  const ref = (kind: string, name: string, namespace: string | null = 'shop'): EntityRef =>
    namespace ? { cluster, kind, namespace, name } : { cluster, kind, name };
  const key = (r: EntityRef) => entityKey(r);
  const at = (minute: number, second = 0) => `2026-03-02T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;

  const refs = {
    node: ref('Node', 'node-1', null),
    namespace: ref('Namespace', 'shop', null),
    deployment: ref('Deployment', 'checkout'),
    replicaSet: ref('ReplicaSet', 'checkout-abc'),
    pod1: ref('Pod', 'checkout-abc-1'),
    pod2: ref('Pod', 'checkout-abc-2'),
    service: ref('Service', 'checkout'),
    ingress: ref('Ingress', 'shop'),
    configMap: ref('ConfigMap', 'checkout-config'),
    secret: ref('Secret', 'checkout-db'),
    pvc: ref('PersistentVolumeClaim', 'checkout-data'),
    pv: ref('PersistentVolume', 'pv-1', null),
    policy: ref('NetworkPolicy', 'deny-all'),
  };

  const upsert = (r: EntityRef, replace: EdgeSet[], edges: TopologyEdge[], facts: Record<string, unknown> = {}, time = at(0)): TopologyChange => ({
    op: 'upsert',
    node: { key: key(r), ref: r, deleted: false, updatedAt: time, facts: { kind: r.kind, name: r.name, namespace: r.namespace ?? null, uid: `uid-${r.name}`, ...facts } },
    replace,
    edges,
  });
  const edge = (type: TopologyEdge['type'], from: EntityRef, to: EntityRef): TopologyEdge => ({ type, from: key(from), to: key(to) });
  const podEdges = (pod: EntityRef) => [
    edge('OWNS', refs.replicaSet, pod),
    edge('RUNS_ON', pod, refs.node),
    edge('MOUNTS', pod, refs.configMap),
    edge('USES_SECRET', pod, refs.secret),
    edge('CLAIMS', pod, refs.pvc),
  ];
  const podSets: EdgeSet[] = [
    { type: 'OWNS', direction: 'in' },
    { type: 'RUNS_ON', direction: 'out' },
    { type: 'MOUNTS', direction: 'out' },
    { type: 'USES_SECRET', direction: 'out' },
    { type: 'CLAIMS', direction: 'out' },
  ];

  const topology: TopologyChange[] = [
    upsert(refs.namespace, [], []),
    upsert(refs.node, [], [], { labels: { 'kubernetes.io/hostname': 'node-1' } }),
    upsert(refs.configMap, [], [], { dataKeys: ['application.yaml'], contentHash: 'h1' }),
    upsert(refs.secret, [], []),
    upsert(refs.pv, [], []),
    upsert(refs.pvc, [{ type: 'BOUND_TO', direction: 'out' }], [edge('BOUND_TO', refs.pvc, refs.pv)], { volumeName: 'pv-1' }),
    upsert(refs.deployment, [], [], { replicas: 2, readyReplicas: 1, generation: 7 }),
    upsert(refs.replicaSet, [{ type: 'OWNS', direction: 'in' }], [edge('OWNS', refs.deployment, refs.replicaSet)]),
    upsert(refs.pod1, podSets, podEdges(refs.pod1), {
      phase: 'Running',
      ready: false,
      nodeName: 'node-1',
      labels: { app: 'checkout' },
      containers: [{ name: 'app', restartCount: 5 }],
    }),
    upsert(refs.pod2, podSets, podEdges(refs.pod2), { phase: 'Running', ready: true, nodeName: 'node-1', labels: { app: 'checkout' }, containers: [{ name: 'app', restartCount: 1 }] }),
    upsert(refs.service, [{ type: 'SELECTS', direction: 'out' }], [edge('SELECTS', refs.service, refs.pod1), edge('SELECTS', refs.service, refs.pod2)], {
      serviceType: 'ClusterIP',
      serviceSelector: { app: 'checkout' },
      readyEndpoints: 1,
    }),
    upsert(refs.ingress, [{ type: 'ROUTES_TO', direction: 'out' }], [edge('ROUTES_TO', refs.ingress, refs.service)], { services: ['checkout'] }),
    upsert(refs.policy, [{ type: 'APPLIES_TO', direction: 'out' }], [edge('APPLIES_TO', refs.policy, refs.pod1)]),
  ];

  const event = (id: string, type: EventType, entity: EntityRef, timestamp: string, message = `${type} on ${entity.name}`): UnifiedEvent => {
    const semantics = EVENT_SEMANTICS[type];
    return {
      id: `${cluster}-${id}`,
      type,
      timestamp,
      source: 'kubeapi',
      severity: semantics.severity,
      message,
      semantic: { intent: semantics.intent, category: semantics.category, narrative: message },
      entity,
      k8sContext: { cluster, kind: entity.kind, name: entity.name, namespace: entity.namespace ?? null },
      kubernetes: type === 'pod_restart' ? { container: 'app', restartCount: 1, restartDelta: 1 } : { reason: type },
      processedAt: '2026-03-02T11:00:00.000Z',
    };
  };
  const events = {
    configChanged: event('cm-edit', 'config_changed', refs.configMap, at(3, 12), 'data key application.yaml edited'),
    rollout: event('rollout', 'rollout_started', refs.deployment, at(5, 40)),
    restarts: [1, 2, 3, 4, 5].map((n) => event(`restart-${n}`, 'pod_restart', refs.pod1, at(6, n * 10))),
    crashLoop: event('crash', 'crash_loop', refs.pod1, at(7)),
    pod2Restart: event('pod2-restart', 'pod_restart', refs.pod2, at(6, 5)),
    endpoints: event('endpoints', 'endpoints_changed', refs.service, at(7, 30)),
    oldNoise: event('old', 'k8s_event', refs.pod1, '2026-03-01T09:00:00Z'),
  };
  const allEvents = [events.configChanged, events.rollout, ...events.restarts, events.crashLoop, events.pod2Restart, events.endpoints, events.oldNoise];

  const correlation = (kind: Correlation['kind'], from: UnifiedEvent, to: UnifiedEvent, delayMs?: number): Correlation => ({
    kind,
    fromEventId: from.id,
    toEventId: to.id,
    confidence: 0.8,
    reason: `${from.type} then ${to.type}`,
    correlator: 'test',
    ...(delayMs === undefined ? {} : { delayMs }),
  });
  const restart1 = events.restarts[0] as UnifiedEvent;
  const correlations: Correlation[] = [
    correlation('CAUSED', events.configChanged, events.rollout),
    correlation('TRIGGERED', events.rollout, restart1),
    correlation('CAUSED', restart1, events.crashLoop),
    correlation('CAUSED', events.rollout, events.pod2Restart),
    correlation('CORRELATED_WITH', events.crashLoop, events.endpoints),
    correlation('PRECEDED', events.configChanged, events.crashLoop, 228_000),
  ];

  const patternId = 'config-cascade';
  const prediction: Prediction = {
    id: `${cluster}-prediction-1`,
    patternId,
    insightId: `${cluster}-insight-1`,
    type: 'cascading_failure',
    confidence: 0.75,
    timeHorizon: '10m',
    message: 'the config change will reach every checkout pod',
    impact: ['service_degradation'],
    createdAt: at(7, 1),
  };
  const insight: Insight = {
    id: `${cluster}-insight-1`,
    title: 'ConfigMap checkout-config edit crash-loops checkout',
    severity: 'high',
    confidence: 0.87,
    pattern: patternId,
    predictionId: prediction.id,
    rootCause: { entity: refs.configMap, eventId: events.configChanged.id, eventType: 'config_changed', timestamp: events.configChanged.timestamp, what: 'application.yaml edited' },
    symptoms: [refs.pod1],
    chain: [
      { eventId: events.configChanged.id, entity: refs.configMap, type: 'config_changed', timestamp: events.configChanged.timestamp, summary: 'edited' },
      { eventId: restart1.id, entity: refs.pod1, type: 'pod_restart', timestamp: restart1.timestamp, summary: 'restarted', relation: 'mounts' },
    ],
    affected: [refs.pod2, refs.service],
    story: 'ConfigMap edited; pods mounting it crash-loop.',
    nextChecks: ['kubectl -n shop describe configmap checkout-config'],
    previousOccurrences: [],
    eventIds: [events.configChanged.id, restart1.id, events.crashLoop.id],
    firstSeen: at(3, 12),
    lastSeen: at(7),
    createdAt: at(7, 1),
    cluster,
  };
  const lesserInsight: Insight = {
    ...insight,
    id: `${cluster}-insight-2`,
    title: 'checkout endpoints dropped',
    severity: 'medium',
    confidence: 0.4,
    pattern: 'endpoint-drop',
    predictionId: undefined,
    rootCause: { entity: refs.service, what: 'endpoints dropped' },
    symptoms: [refs.service],
    affected: [],
    eventIds: [events.endpoints.id],
    firstSeen: at(7, 30),
    lastSeen: at(7, 30),
  };
  delete lesserInsight.predictionId;
  const pattern: PatternConfidence = { patternId, baseConfidence: 0.8, confidence: 0.8, accuracy: null, feedbackCount: 0, accurateCount: 0, matches: 1, status: 'learning' };
  const feedback: Feedback = {
    id: `${cluster}-feedback-1`,
    predictionId: prediction.id,
    patternId,
    accurate: true,
    rating: 1,
    comment: 'spot on',
    timestamp: at(20),
  };
  return { cluster, refs, key, at, topology, events, allEvents, correlations, insight, lesserInsight, prediction, pattern, feedback };
}
export type CheckoutStory = ReturnType<typeof checkoutStory>;

/** Writes the whole story through the adapter, kind by kind, as the pipeline would, then flushes. */
export async function writeCheckoutStory(target: Neo4jGraphStore, story: CheckoutStory): Promise<void> {
  await target.write({ topology: story.topology });
  await target.write({ events: story.allEvents });
  await target.write({ correlations: story.correlations });
  await target.upsertPatterns([story.pattern]);
  await target.write({ insights: [story.insight, story.lesserInsight], predictions: [story.prediction] });
  await target.writeFeedback(story.feedback);
  await target.flush();
}
