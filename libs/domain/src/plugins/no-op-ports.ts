import {
  Clock,
  DeadLetterSink,
  KubeIndex,
  Logger,
  Metrics,
  noopClock,
  noopDeadLetters,
  noopKubeIndex,
  noopMetrics,
  silentLogger,
  type Token,
} from '@tapio/plugin-api';
import { EventBus } from '../ports/event-bus.js';
import { GraphQuestions, GraphReader, GraphStore, GraphWriter } from '../ports/graph-store.js';
import { PatternSource } from '../ports/pattern-source.js';

/*
 * No-ops of the domain's own ports (bus, graph store, pattern source), and the map of
 * every port's no-op the runtime falls back to; the plugin API's are in @tapio/plugin-api.
 */

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
  predictionsOf: async () => [],
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
  [Metrics, noopMetrics],
  [DeadLetterSink, noopDeadLetters],
  [KubeIndex, noopKubeIndex],
  [EventBus, noopEventBus],
  [GraphStore, noopGraphStore],
  [GraphWriter, noWriter],
  [GraphReader, noReader],
  [GraphQuestions, noQuestions],
  [PatternSource, noopPatternSource],
]);
