import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import {
  Clock,
  DeadLetterSink,
  EventBus,
  GraphStore,
  KubeIndex,
  Logger,
  Metrics,
  parseDuration,
  systemClock,
  TopologyIndex,
  type Collector,
  type Correlator,
  type InputLimits,
  type RawEventTransformer,
} from '@tapio/domain';
import { DeadLetterStore, InProcessBus, MemoryGraphStore, PromClientMetrics } from '@tapio/embedded';
import { SinkDelivery } from '@tapio/sinks';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { KernelTransformer } from '@tapio/collector-kernel';
import { DnsTransformer } from '@tapio/collector-dns';
import { seedMappingTransformers } from '@tapio/pipeline';
import type { z } from 'zod';
import { ConfigError } from './config/load-config.js';
import { resolve } from 'node:path';
import type { LoadedConfig } from './config/load-config.js';
import { BUILTIN_PLUGINS } from './plugins/builtin-plugins.js';
import { DelegatingKubeIndex } from './plugins/delegating-kube-index.js';
import { loadPluginModules } from './plugins/load-plugin-modules.js';
import { registerPlugins } from './plugins/register-plugins.js';
import { countedDeadLetters, registerComponentMetrics } from './metrics/component-metrics.js';

/** Everything a running Tapio is made of, built from the configuration. */
export interface Composition {
  container: DependencyContainer;
  logger: Logger;
  metrics: Metrics;
  deadLetters: DeadLetterSink;
  /** tapio.yaml `limits`: what one input may be. */
  limits: InputLimits;
  bus: EventBus;
  graph: GraphStore;
  /** The memory graph's topology index, which the correlation engine of this process keeps current (held once). */
  topology?: TopologyIndex;
  kubeIndex: DelegatingKubeIndex;
  collectors: Collector[];
  transformers: RawEventTransformer[];
  /** The built-in transformers: their tests prove their output valid, so the pipeline skips re-validating it. */
  trustedTransformers: RawEventTransformer[];
  correlators: Correlator[];
  /** Where insights are sent (sink plugins named under `sinks:`), each with its route, retries and health. */
  sinks: SinkDelivery[];
  /** Plugins that could not be loaded or registered, with the reason. */
  pluginFailures: Array<{ id: string; message: string }>;
  activePlugins: string[];
}

/** Validates an adapter's own section of tapio.yaml, reporting problems with their line. */
function section<T extends z.ZodType>(loaded: LoadedConfig, path: string[], schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    loaded.file,
    parsed.error.issues.map((issue) => {
      const at = [...path, ...issue.path.map(String)];
      return { path: at.join('.'), ...loaded.locate(at), message: issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message };
    }),
  );
}

async function createBus(loaded: LoadedConfig, deadLetters: DeadLetterSink, logger: Logger, metrics: Metrics): Promise<EventBus> {
  const bus = loaded.config.bus;
  if (bus.type === 'nats') {
    const { NatsBusOptions, NatsEventBus } = await import('@tapio/nats');
    return new NatsEventBus(section(loaded, ['bus', 'nats'], NatsBusOptions, bus.nats), { deadLetters, logger, metrics });
  }
  return new InProcessBus({ queueCapacity: bus.embedded.queueCapacity, maxDeliver: bus.embedded.maxDeliver, deadLetters, logger: logger.child({ component: 'bus' }) });
}

async function createGraph(loaded: LoadedConfig, deadLetters: DeadLetterSink, logger: Logger): Promise<{ graph: GraphStore; topology?: TopologyIndex }> {
  const graph = loaded.config.graph;
  if (graph.type === 'neo4j') {
    const { Neo4jGraphStore, Neo4jOptions } = await import('@tapio/neo4j');
    return { graph: new Neo4jGraphStore(section(loaded, ['graph', 'neo4j'], Neo4jOptions, graph.neo4j), { deadLetters, logger: logger.child({ component: 'neo4j' }) }) };
  }
  const memory = graph.memory;
  const topology = new TopologyIndex();
  const store = new MemoryGraphStore({
    topology,
    retention: { maxEvents: memory.maxEvents, maxAgeMs: parseDuration(memory.maxAge) },
    maxInsights: memory.maxInsights,
    ...(memory.snapshotFile ? { snapshotFile: resolve(loaded.baseDir, memory.snapshotFile) } : {}),
    ...(memory.snapshotInterval ? { snapshotIntervalMs: parseDuration(memory.snapshotInterval) } : {}),
  });
  return { graph: store, topology };
}

/**
 * The composition root: the only place that builds the tsyringe container. Core
 * services are registered under their port tokens, then built-in and third-party
 * plugins resolve what they need and contribute collectors, transformers and
 * correlators.
 */
export async function compose(loaded: LoadedConfig, logger: Logger): Promise<Composition> {
  const container = rootContainer.createChildContainer();
  const metrics = new PromClientMetrics();
  const deadLetters = countedDeadLetters(
    new DeadLetterStore({
      keep: loaded.config.deadLetters.keep,
      ...(loaded.config.deadLetters.file ? { file: resolve(loaded.baseDir, loaded.config.deadLetters.file) } : {}),
    }),
    metrics,
  );
  const kubeIndex = new DelegatingKubeIndex();
  const bus = await createBus(loaded, deadLetters, logger, metrics);
  const { graph, topology } = await createGraph(loaded, deadLetters, logger);
  container.registerInstance(Logger, logger);
  container.registerInstance(Clock, systemClock);
  container.registerInstance(Metrics, metrics);
  container.registerInstance(DeadLetterSink, deadLetters);
  container.registerInstance(EventBus, bus);
  container.registerInstance(GraphStore, graph);
  container.registerInstance(KubeIndex, kubeIndex);

  const thirdParty = await loadPluginModules(loaded.config.plugins, loaded.baseDir);
  const failures = thirdParty.failures.map((failure) => ({ id: failure.spec, message: failure.message }));
  const candidates = [
    ...BUILTIN_PLUGINS.map((descriptor) => ({ descriptor, origin: 'built-in' })),
    ...thirdParty.descriptors,
  ];
  const registered = await registerPlugins(container, candidates, loaded, kubeIndex, logger);
  for (const failure of [...failures, ...registered.failures]) logger.error({ plugin: failure.id }, failure.message);

  // Built-in sources are transformed in every process (a transformer worker runs no
  // collectors); a built-in plugin contributing the same transformer again is the same code.
  const builtInTransformers = [...seedMappingTransformers, new KubeApiTransformer(), new KernelTransformer(), new DnsTransformer()];
  const builtInClasses = new Set(builtInTransformers.map((transformer) => transformer.constructor));
  const contributed = registered.transformers.filter((transformer) => !builtInClasses.has(transformer.constructor));
  registerComponentMetrics(metrics, { bus, collectors: () => registered.collectors });
  return {
    container,
    logger,
    metrics,
    deadLetters,
    limits: loaded.config.limits,
    bus,
    graph,
    ...(topology ? { topology } : {}),
    kubeIndex,
    collectors: registered.collectors,
    transformers: [...builtInTransformers, ...contributed],
    trustedTransformers: builtInTransformers,
    correlators: registered.correlators,
    sinks: registered.sinks.map(({ sink, settings }) => new SinkDelivery(sink, settings, metrics, logger.child({ component: 'sinks', sink: sink.id }))),
    pluginFailures: [...failures, ...registered.failures],
    activePlugins: registered.active,
  };
}
