// Tapio domain (level 0): schemas are the source of truth for types; ports carry
// their DI token under the same name. Named exports only.
export { SEVERITIES, Severity, severityRank, maxSeverity } from './events/severity.js';
export { RawEvent, RAW_SOURCES } from './events/raw-event.js';
export { InputLimits, DEFAULT_INPUT_LIMITS, ORIGIN_METADATA_KEY, nestsDeeperThan, lineTooLong, rawEventLimitViolation } from './events/input-limits.js';
export type { InputLimitsInput } from './events/input-limits.js';
export { EVENT_TYPES, EventType, EVENT_CATEGORIES, EventCategory } from './events/event-type.js';
export { EVENT_SEMANTICS } from './events/event-semantics.js';
export type { EventSemantics } from './events/event-semantics.js';
export {
  TraceContext,
  SemanticContext,
  K8sContext,
  KernelData,
  NetworkData,
  ChangeItem,
  KubernetesData,
  ApplicationData,
  MetricsData,
  ImpactContext,
  UnifiedEvent,
} from './events/unified-event.js';
export { partitionKey, rawPartitionKey, stableHash, partitionOf } from './events/partition-key.js';
export { makeUnifiedEvent, entityFromContext } from './events/make-unified-event.js';
export type { UnifiedEventDraft, DraftContext } from './events/make-unified-event.js';
export {
  EntityRef,
  CLUSTER_SCOPED_KINDS,
  DEFAULT_CLUSTER,
  entityKey,
  parseEntityKey,
  sameEntity,
  formatEntity,
} from './entities/entity-ref.js';
export { canonicalKind, knownKinds, kindSpellings } from './entities/kind-names.js';
export { REDACTED_VALUE, isSecretObject, isRedactedValue, redactSecret, redactSecretsIn, redactSecretsInData, redactSecretsInPayload } from './secrets/secret-redaction.js';
export type { SecretFingerprint } from './secrets/secret-redaction.js';
export {
  OwnerReference,
  LabelSelector,
  ContainerFacts,
  K8sObjectFacts,
} from './entities/k8s-object-facts.js';
export { parseDuration, formatDuration, Duration } from './patterns/duration.js';
export {
  CONDITION_OPERATORS,
  ConditionOperator,
  PatternCondition,
  ENTITY_RELATIONS,
  EntityRelation,
  CountRequirement,
  ROOT_CAUSE_RESOURCES,
  RootCauseResource,
  SequenceStep,
  PatternScope,
  PatternPrediction,
  BehaviorPatternSpec,
  BehaviorPattern,
} from './patterns/behavior-pattern.js';
export { Prediction } from './insights/prediction.js';
export { FeedbackRequest, Feedback, PatternConfidence, adjustedConfidence } from './insights/feedback.js';
export { ChainLink, RootCause, Insight, CORRELATION_KINDS, CorrelationKind, Correlation } from './insights/insight.js';
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
export {
  TimeRange,
  EventQuery,
  InsightQuery,
  pageOf,
  WhyAnswer,
  EventContext,
  ImpactAnswer,
  DeathSpiral,
  CauseEffectCount,
  GraphStats,
} from './graph/queries.js';
export type { Page } from './graph/queries.js';
export { newestFirst, oldestFirst, insightRelevance, byEntityKey, summariseEvent, insightEntities, insightEntityKeys } from './graph/answer-order.js';
export { TopologyIndex } from './topology/topology-index.js';
export { WORKLOAD_KINDS } from './topology/workload-kinds.js';
export { PODS_REACHED, reachPath, podsReachedBy } from './topology/pods-reached.js';
export { LiveTopology } from './topology/live-topology.js';
export type { ReachHop } from './topology/pods-reached.js';
export { token } from './ports/token.js';
export type { Token, TokenType } from './ports/token.js';
export { HealthStatus, ComponentHealth } from './ports/health.js';
export type { Lifecycle } from './ports/health.js';
export { Logger, silentLogger } from './ports/logger.js';
export type { LogFields } from './ports/logger.js';
export { Clock, systemClock } from './ports/clock.js';
export { Metrics, totalFollower } from './ports/metrics.js';
export type { MetricLabels, CounterMetric, GaugeMetric, HistogramMetric, MetricsFormat, RenderedMetrics } from './ports/metrics.js';
export { DeadLetter, DeadLetterSink } from './ports/dead-letter.js';
export { Collector, RawEventTransformer } from './ports/collector.js';
export type { RawEventSink, TransformContext } from './ports/collector.js';
export { PodIdentity, KubeIndex, bareContainerId } from './ports/kube-index.js';
export { EventBus } from './ports/event-bus.js';
export type { BusMessages, BusTopic, SubscribeOptions, BusSubscription, BusStats } from './ports/event-bus.js';
export { GraphStore, GraphWriter, GraphReader, GraphQuestions } from './ports/graph-store.js';
export type { GraphWrite } from './ports/graph-store.js';
export { Correlator } from './ports/correlator.js';
export type { IndexedEvent, CorrelationState } from './ports/correlator.js';
export { PatternSource } from './ports/pattern-source.js';
export type { PatternLoadError, PatternSet } from './ports/pattern-source.js';
export { definePlugin, isPluginDescriptor, PLUGIN_KINDS } from './plugins/plugin-descriptor.js';
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
export {
  NO_OP_PORTS,
  noopClock,
  noopDeadLetters,
  noopEventBus,
  noopGraphStore,
  noopKubeIndex,
  noopMetrics,
  noopPatternSource,
  noopRawEventSink,
} from './plugins/no-op-ports.js';
export { z } from './plugins/plugin-sdk.js';
