// Tapio domain (level 0, on top of @tapio/plugin-api): the internal schemas (patterns,
// insights' feedback and predictions, graph queries, topology, input limits, secrets), the
// bus and graph ports, and the plugin API re-exported, so Tapio's own code imports one
// package. Named exports only.
export { SEVERITIES, Severity, severityRank, maxSeverity } from '@tapio/plugin-api';
export { RawEvent, RAW_SOURCES } from '@tapio/plugin-api';
export { InputLimits, DEFAULT_INPUT_LIMITS, MAX_DEPTH_LIMIT, ORIGIN_METADATA_KEY, nestsDeeperThan, lineTooLong, rawEventLimitViolation } from './events/input-limits.js';
export { depthBoundOfText, openingBrackets, noteDepthBound, noteDepthFromText, knownDepthBound } from './events/depth-bound.js';
export type { InputLimitsInput } from './events/input-limits.js';
export { timestampMs } from './events/timestamp-ms.js';
export { evictionRequestKey, evictionUsageKey } from './events/pressure-figures.js';
export { EVENT_TYPES, EventType, EVENT_CATEGORIES, EventCategory } from '@tapio/plugin-api';
export { EVENT_SEMANTICS } from '@tapio/plugin-api';
export type { EventSemantics } from '@tapio/plugin-api';
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
} from '@tapio/plugin-api';
export { partitionKey, rawPartitionKey, stableHash, partitionOf } from './events/partition-key.js';
export { makeUnifiedEvent, entityFromContext } from '@tapio/plugin-api';
export { ChangeLimits, DEFAULT_CHANGE_LIMITS } from '@tapio/plugin-api';
export type { TransformerSettings } from '@tapio/plugin-api';
export type { UnifiedEventDraft, DraftContext } from '@tapio/plugin-api';
export {
  EntityRef,
  CLUSTER_SCOPED_KINDS,
  DEFAULT_CLUSTER,
  entityKey,
  entityKeyKind,
  parseEntityKey,
  sameEntity,
  formatEntity,
} from '@tapio/plugin-api';
export { canonicalKind, knownKinds, kindSpellings } from './entities/kind-names.js';
export { REDACTED_VALUE, isSecretObject, isKeyedFingerprint, isRedactedValue, isValueStandIn, redactSecret, redactSecretsIn, redactSecretsInData, redactSecretsInPayload } from './secrets/secret-redaction.js';
export type { SecretFingerprint } from './secrets/secret-redaction.js';
export {
  OwnerReference,
  LabelSelector,
  ContainerFacts,
  K8sObjectFacts,
} from '@tapio/plugin-api';
export { parseDuration, formatDuration, Duration } from '@tapio/plugin-api';
export {
  CONDITION_OPERATORS,
  ConditionOperator,
  PatternCondition,
  CountRequirement,
  ROOT_CAUSE_RESOURCES,
  RootCauseResource,
  SequenceStep,
  PatternScope,
  PatternPrediction,
  BehaviorPatternSpec,
  BehaviorPattern,
} from './patterns/behavior-pattern.js';
export { SEED_EVENT_TYPE_ALIASES, canonicalEventType, metricFieldPath } from './patterns/seed-vocabulary.js';
export { ENTITY_RELATIONS, EntityRelation } from '@tapio/plugin-api';
export { Prediction, PredictionExpectation, PredictionResult, PredictionRevision, PredictionTally, PREDICTION_RESULTS } from './insights/prediction.js';
export { FeedbackRequest, Feedback, PatternConfidence, adjustedConfidence, patternStatus, patternStanding, weightedVerdicts, feedbackId, ANONYMOUS_USER } from './insights/feedback.js';
export type { PredictionOutcomes } from './insights/feedback.js';
export { CircuitReport, CIRCUIT_POSITIONS, circuitMetrics, CircuitBreaker, CircuitOpenError, CircuitTimeoutError, circuitSettings } from '@tapio/plugin-api';
export type { CircuitPosition, CircuitDetails, CircuitBreakerSettings, CircuitBreakerOptions } from '@tapio/plugin-api';
export { FeedbackPolicy, DEFAULT_FEEDBACK_POLICY, PatternStatus, PATTERN_STATUSES } from './insights/feedback-policy.js';
export { FeedbackStep, PatternDetail, feedbackHistory } from './insights/pattern-history.js';
export { ChainLink, RootCause, IncidentFold, Insight, CORRELATION_KINDS, CorrelationKind, Correlation } from '@tapio/plugin-api';
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
} from '@tapio/plugin-api';
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
export { BINDING_KINDS, isRbacKind, ROLE_KINDS } from './topology/rbac-kinds.js';
export { PODS_REACHED, reachPath, podsReachedBy } from './topology/pods-reached.js';
export { LiveTopology } from './topology/live-topology.js';
export type { ReachHop } from './topology/pods-reached.js';
export { token } from '@tapio/plugin-api';
export type { Token, TokenType } from '@tapio/plugin-api';
export { HealthStatus, ComponentHealth } from '@tapio/plugin-api';
export type { Lifecycle } from '@tapio/plugin-api';
export { Logger, silentLogger } from '@tapio/plugin-api';
export type { LogFields } from '@tapio/plugin-api';
export { Clock, systemClock } from '@tapio/plugin-api';
export { Metrics, totalFollower, RecentIds } from '@tapio/plugin-api';
export type { MetricLabels, CounterMetric, GaugeMetric, HistogramMetric, MetricsFormat, RenderedMetrics } from '@tapio/plugin-api';
export { DeadLetter, DeadLetterSink } from '@tapio/plugin-api';
export { Collector, RawEventTransformer } from '@tapio/plugin-api';
export { PollingLoop, StreamRestarts, withCircuit, abortableSleep, CollectingRawEventSink, insightWith, defineCollectorPlugin } from '@tapio/plugin-api';
export type { CollectorPluginSpec } from '@tapio/plugin-api';
export type { PollingLoopOptions, StreamRestartsOptions } from '@tapio/plugin-api';
export type { DurableTransformerState, RawEventSink, TransformContext } from '@tapio/plugin-api';
export { PodIdentity, KubeIndex, bareContainerId } from '@tapio/plugin-api';
export { EventBus, NO_BUS_HEADERS } from './ports/event-bus.js';
export type { BusMessages, BusTopic, SubscribeOptions, BusSubscription, BusStats, BusHeaders, BusDelivery } from './ports/event-bus.js';
export { GRAPH_STORE_PORTS, GraphStore, GraphWriter, GraphReader, GraphQuestions, graphStoreServices } from './ports/graph-store.js';
export { GraphStoreOfParts } from './ports/graph-store-of-parts.js';
export type { GraphWrite } from './ports/graph-store.js';
export { StateStore } from './ports/state-store.js';
export { WriteAheadLog } from './ports/write-ahead-log.js';
export { Correlator } from '@tapio/plugin-api';
export type { IndexedEvent, CorrelationState } from '@tapio/plugin-api';
export { PatternSource } from './ports/pattern-source.js';
export type { PatternLoadError, PatternSet } from './ports/pattern-source.js';
export { definePlugin, isPluginDescriptor, PLUGIN_KINDS } from '@tapio/plugin-api';
export { InsightSink } from '@tapio/plugin-api';
export type { InsightChange, InsightNotification } from '@tapio/plugin-api';
export type {
  PluginKind,
  PluginContribution,
  ProvidedService,
  Needs,
  ResolvedNeeds,
  PluginContext,
  PluginDescriptor,
} from '@tapio/plugin-api';
export { NO_OP_PORTS, noopEventBus, noopGraphStore, noopPatternSource } from './plugins/no-op-ports.js';
export { noopClock, noopDeadLetters, noopKubeIndex, noopMetrics, noopRawEventSink } from '@tapio/plugin-api';
export { MemoryDeadLetters, RecordingMetrics, StaticKubeIndex } from '@tapio/plugin-api';
export { z } from '@tapio/plugin-api';
export { ageText, storyWithAges } from './insights/story-ages.js';
export { lookupFailed, networkAddressesIn } from './topology/network-addresses.js';
export type { NetworkAddress } from './topology/network-addresses.js';
