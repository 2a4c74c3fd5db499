// @tapio/plugin-api (level 0, below the domain): the surface third-party plugins build on,
// kept small so it can stay stable: the RawEvent and UnifiedEvent schemas and the event
// vocabulary, the ports a plugin needs or offers with their tokens, definePlugin, a no-op
// of each of those ports, and the polling loop and circuit breaker collectors share.
// Internal schemas (patterns, graph queries, the bus and graph-store ports) stay in
// @tapio/domain, which builds on this package. Named exports only.
export { SEVERITIES, Severity, severityRank, maxSeverity } from './events/severity.js';
export { RawEvent, RAW_SOURCES } from './events/raw-event.js';
export { EVENT_TYPES, EventType, EVENT_CATEGORIES, EventCategory } from './events/event-type.js';
export { EVENT_SEMANTICS } from './events/event-semantics.js';
export type { EventSemantics } from './events/event-semantics.js';
export {
  TraceContext,
  SemanticContext,
  K8sContext,
  KernelData,
  NetworkData,
  ChangedLine,
  ChangeItem,
  KubernetesData,
  ApplicationData,
  MetricsData,
  ImpactContext,
  UnifiedEvent,
} from './events/unified-event.js';
export { makeUnifiedEvent, entityFromContext } from './events/make-unified-event.js';
export { ChangeLimits, DEFAULT_CHANGE_LIMITS } from './events/change-limits.js';
export type { TransformerSettings } from './events/change-limits.js';
export type { UnifiedEventDraft, DraftContext } from './events/make-unified-event.js';
export {
  EntityRef,
  CLUSTER_SCOPED_KINDS,
  DEFAULT_CLUSTER,
  entityKey,
  entityKeyKind,
  parseEntityKey,
  sameEntity,
  formatEntity,
} from './entities/entity-ref.js';
export {
  OwnerReference,
  LabelSelector,
  ContainerFacts,
  K8sObjectFacts,
} from './entities/k8s-object-facts.js';
export { parseDuration, formatDuration, Duration } from './patterns/duration.js';
export { ChainLink, RootCause, IncidentFold, Insight, CORRELATION_KINDS, CorrelationKind, Correlation } from './insights/insight.js';
export {
  RESOURCE_LABELS,
  ResourceLabel,
  GRAPH_LABELS,
  TOPOLOGY_RELATIONSHIPS,
  TopologyRelationship,
  EVENT_RELATIONSHIPS,
  ResourceNode,
  TopologyEdge,
  TopologySnapshot,
  EdgeSet,
  TopologyChange,
  EventSummary,
} from './graph/graph-model.js';
export { token } from './ports/token.js';
export type { Token, TokenType } from './ports/token.js';
export { HealthStatus, ComponentHealth } from './ports/health.js';
export type { Lifecycle } from './ports/health.js';
export { Logger, silentLogger } from './ports/logger.js';
export type { LogFields } from './ports/logger.js';
export { Clock, systemClock } from './ports/clock.js';
export { Metrics, totalFollower } from './ports/metrics.js';
export { RecentIds } from './events/recent-ids.js';
export type { MetricLabels, CounterMetric, GaugeMetric, HistogramMetric, MetricsFormat, RenderedMetrics } from './ports/metrics.js';
export { DeadLetter, DeadLetterSink } from './ports/dead-letter.js';
export { Collector, RawEventTransformer } from './ports/collector.js';
export { PollingLoop } from './collectors/polling-loop.js';
export { StreamRestarts } from './collectors/stream-restarts.js';
export type { StreamRestartsOptions } from './collectors/stream-restarts.js';
export { withCircuit } from './resilience/circuit-health.js';
export { CircuitReport, CIRCUIT_POSITIONS, circuitMetrics } from './resilience/circuit-report.js';
export type { CircuitPosition, CircuitDetails } from './resilience/circuit-report.js';
export { CircuitBreaker, CircuitOpenError, CircuitTimeoutError } from './resilience/circuit-breaker.js';
export type { CircuitBreakerSettings, CircuitBreakerOptions } from './resilience/circuit-breaker.js';
export { circuitSettings } from './resilience/circuit-settings.js';
export { abortableSleep } from './collectors/abortable-sleep.js';
export { CollectingRawEventSink } from './testing/collecting-raw-event-sink.js';
export { insightWith } from './testing/insight-with.js';
export type { PollingLoopOptions } from './collectors/polling-loop.js';
export type { DurableTransformerState, RawEventSink, TransformContext } from './ports/collector.js';
export { PodIdentity, KubeIndex, bareContainerId } from './ports/kube-index.js';
export { Correlator } from './ports/correlator.js';
export type { IndexedEvent, CorrelationState } from './ports/correlator.js';
export { definePlugin, isPluginDescriptor, PLUGIN_KINDS } from './plugins/plugin-descriptor.js';
export { defineCollectorPlugin } from './plugins/collector-plugin.js';
export type { CollectorPluginSpec } from './plugins/collector-plugin.js';
export { InsightSink } from './ports/insight-sink.js';
export type { InsightChange, InsightNotification } from './ports/insight-sink.js';
export type {
  PluginKind,
  PluginContribution,
  ProvidedService,
  Needs,
  ResolvedNeeds,
  PluginContext,
  PluginDescriptor,
} from './plugins/plugin-descriptor.js';
export { z } from './plugins/plugin-sdk.js';
export { ENTITY_RELATIONS, EntityRelation } from './patterns/entity-relation.js';
export { noopClock, noopDeadLetters, noopKubeIndex, noopMetrics, noopRawEventSink } from './plugins/no-op-ports.js';
export { MemoryDeadLetters, RecordingMetrics, StaticKubeIndex } from './plugins/in-memory-ports.js';
