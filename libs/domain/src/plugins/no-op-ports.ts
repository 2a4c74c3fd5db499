import type { CounterMetric, Metrics } from '../ports/metrics.js';
import { Clock } from '../ports/clock.js';
import { DeadLetterSink } from '../ports/dead-letter.js';
import { EventBus } from '../ports/event-bus.js';
import { GraphQuestions, GraphReader, GraphStore, GraphWriter } from '../ports/graph-store.js';
import { KubeIndex } from '../ports/kube-index.js';
import { Logger, silentLogger } from '../ports/logger.js';
import { Metrics as MetricsToken } from '../ports/metrics.js';
import { PatternSource } from '../ports/pattern-source.js';
import type { RawEventSink } from '../ports/collector.js';
import type { Token } from '../ports/token.js';

/*
 * A do-nothing implementation of every port: for a plugin's unit tests, and for the
 * runtime when a plugin needs a service no running plugin provides (the kernel collector
 * without the Kubernetes API collector attributes nothing to pods, but still runs).
 */

const noMetric: CounterMetric & { set(): void; observe(): void } = { inc: () => undefined, set: () => undefined, observe: () => undefined };

export const noopMetrics: Metrics = {
  counter: () => noMetric,
  gauge: () => noMetric,
  histogram: () => noMetric,
  beforeScrape: () => undefined,
  render: async () => ({ contentType: 'text/plain; version=0.0.4', text: '' }),
};

export const noopClock: Clock = { now: () => 0 };

export const noopDeadLetters: DeadLetterSink = { put: () => undefined, count: () => 0, recent: () => [] };

/** Knows no pod: every lookup answers "unknown". */
export const noopKubeIndex: KubeIndex = { podByContainerId: () => undefined, podByUid: () => undefined, podByIp: () => undefined, podsOnNode: () => [] };

export const noopRawEventSink: RawEventSink = { emit: async () => undefined };

/** Accepts everything and delivers nothing. */
export const noopEventBus: EventBus = {
  publish: async () => undefined,
  subscribe: async () => ({ unsubscribe: async () => undefined }),
  drain: async () => undefined,
  stats: () => ({ published: 0, delivered: 0, queueDepth: {}, dropped: 0 }),
  health: () => ({ status: 'ok' }),
  close: async () => undefined,
};

const noWriter: GraphWriter = { write: async () => undefined, upsertPatterns: async () => undefined, writeFeedback: async () => undefined, flush: async () => undefined };

const noReader: GraphReader = {
  resource: async () => undefined,
  edgesOf: async () => [],
  topologySnapshot: async () => ({ nodes: [], edges: [] }),
  event: async () => undefined,
  events: async () => ({ items: [], nextCursor: null }),
  insight: async () => undefined,
  insights: async () => ({ items: [], nextCursor: null }),
  prediction: async () => undefined,
  feedbackFor: async () => [],
  patterns: async () => [],
  stats: async () => ({ resources: 0, events: 0, relationships: 0, insights: 0 }),
};

const noQuestions: GraphQuestions = {
  why: async (ref) => ({ entity: ref, known: false, insights: [], events: [], causalChain: [] }),
  eventContext: async () => undefined,
  impact: async (ref) => ({ entity: ref, known: false, pods: [], workloads: [], services: [], ingresses: [], nodes: [] }),
  timeline: async () => [],
  deathSpirals: async () => [],
  patternDiscovery: async () => [],
};

/** Remembers nothing and knows nothing. */
export const noopGraphStore: GraphStore = {
  ...noWriter,
  ...noReader,
  ...noQuestions,
  start: async () => undefined,
  stop: async () => undefined,
  health: () => ({ status: 'ok' }),
};

export const noopPatternSource: PatternSource = {
  load: async () => ({ patterns: [], errors: [], files: {} }),
  watch: async () => async () => undefined,
};

/** The no-op of each port token, for the runtime's fallback. */
export const NO_OP_PORTS: ReadonlyMap<Token<unknown>, unknown> = new Map<Token<unknown>, unknown>([
  [Logger, silentLogger],
  [Clock, noopClock],
  [MetricsToken, noopMetrics],
  [DeadLetterSink, noopDeadLetters],
  [KubeIndex, noopKubeIndex],
  [EventBus, noopEventBus],
  [GraphStore, noopGraphStore],
  [GraphWriter, noWriter],
  [GraphReader, noReader],
  [GraphQuestions, noQuestions],
  [PatternSource, noopPatternSource],
]);
