import { resolve } from 'node:path';
import { Clock, DeadLetterSink, EventBus, GraphStore, LiveTopology, Logger, Metrics, noopGraphStore, noopMetrics, StateStore, systemClock, WriteAheadLog, type Collector, type Correlator, type InputLimits, type PluginDescriptor, type RawEventTransformer } from '@tapio/domain';
import { DeadLetterStore } from '@tapio/embedded/plugin';
import { EventTracing } from '@tapio/runtime';
import type { SinkDelivery } from '@tapio/sinks';
import type { Telemetry } from '@tapio/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { LoadedConfig } from './config/load-config.js';
import { BUILTIN_PLUGINS } from './plugins/builtin-plugins.js';
import { loadPluginModules } from './plugins/load-plugin-modules.js';
import { graphUsers } from './plugins/graph-users.js';
import { registerPlugins, type RegisteredPlugins } from './plugins/register-plugins.js';
import { ServiceRegistry } from './plugins/service-registry.js';
import { countedDeadLetters, registerComponentMetrics } from './metrics/component-metrics.js';

type RegisteredSinks = RegisteredPlugins['sinks'];

/** Everything a running Tapio is made of, built from the configuration. */
export interface Composition {
  /** Every service by port token: the core ones and what the plugins provided. */
  services: ServiceRegistry;
  logger: Logger;
  metrics: Metrics;
  deadLetters: DeadLetterSink;
  /** tapio.yaml `limits`: what one input may be. */
  limits: InputLimits;
  bus: EventBus;
  graph: GraphStore;
  /** The graph's in-process topology index, which the correlation engine of this process keeps current (held once). */
  topology?: LiveTopology;
  /** Durable state the bus plugin offers (NATS): where the transformer stage keeps its transformers' previous versions. */
  stateStore?: StateStore;
  /** The embedded bus's write-ahead log (bus.embedded.wal): kill -9 loses nothing accepted. */
  wal?: WriteAheadLog;
  collectors: Collector[];
  transformers: RawEventTransformer[];
  /** The built-in plugins' transformers: their tests prove their output valid, so the pipeline skips re-validating it. */
  trustedTransformers: RawEventTransformer[];
  correlators: Correlator[];
  /** Where insights are sent (sink plugins named under `sinks:`), each with its route, retries and health. */
  sinks: SinkDelivery[];
  /** Spans of the event path and the API when `telemetry.traces` is on. */
  tracer?: Tracer;
  /** The event path's spans through `tracer` (a pass-through without one). */
  tracing: EventTracing;
  /** Plugins that could not be loaded or registered, with the reason. */
  pluginFailures: Array<{ id: string; message: string }>;
  activePlugins: string[];
}

/**
 * What a command composes beyond the plugins. `metrics: 'none'` (an analysis of a file, which
 * nobody scrapes) gives the no-op metrics and never loads prom-client. `graph: 'unread'` (an
 * analysis too: it answers from the correlation engine, and its graph would start empty and be
 * thrown away) gives the no-op graph store, so no event, edge or insight is stored for nothing;
 * the configured store stays when a running plugin needs a graph port, as it may read it.
 */
export interface ComposeOptions {
  metrics?: 'prometheus' | 'none';
  graph?: 'configured' | 'unread';
}

/** prom-client's registry, mirrored to the OpenTelemetry meter when telemetry is on; loaded only when wanted. */
async function metricsFor(options: ComposeOptions, telemetry: Telemetry | undefined): Promise<Metrics> {
  if (options.metrics === 'none') return noopMetrics;
  const { PromClientMetrics } = await import('@tapio/embedded');
  // With telemetry on, every metric also goes to the OpenTelemetry meter (OTLP), same names:
  // Tapio's own by instrument, prom-client's process_* / nodejs_* defaults read at each export.
  const prometheus = new PromClientMetrics();
  telemetry?.mirrorPrometheus?.(() => prometheus.defaultMetrics());
  if (!telemetry?.meter) return prometheus;
  const { MirroredMetrics } = await import('@tapio/telemetry');
  return new MirroredMetrics(prometheus, telemetry.meter);
}

/** Each configured sink behind its delivery (route, retries, circuit); cockatiel loads only when there is one. */
async function deliveries(sinks: RegisteredSinks, metrics: Metrics, logger: Logger): Promise<SinkDelivery[]> {
  if (sinks.length === 0) return [];
  const { SinkDelivery } = await import('@tapio/sinks');
  return sinks.map(({ sink, settings }) => new SinkDelivery(sink, settings, metrics, logger.child({ component: 'sinks', sink: sink.id })));
}

/**
 * The composition root, the only code that holds the service registry: the core
 * services are provided under their port tokens, then every plugin (the bus and the
 * graph store included) registers in the order its needs ask for and provides its
 * services under their tokens, from which the runtime resolves what it runs.
 * `builtins` is apps/tapio/src/plugins/builtin-plugins.ts's list unless a test adds one.
 */
export async function compose(loaded: LoadedConfig, logger: Logger, builtins: readonly PluginDescriptor[] = BUILTIN_PLUGINS, telemetry?: Telemetry, options: ComposeOptions = {}): Promise<Composition> {
  const services = new ServiceRegistry();
  const metrics = await metricsFor(options, telemetry);
  const deadLetters = countedDeadLetters(
    new DeadLetterStore({
      keep: loaded.config.deadLetters.keep,
      ...(loaded.config.deadLetters.file ? { file: resolve(loaded.baseDir, loaded.config.deadLetters.file) } : {}),
    }),
    metrics,
  );
  services.provide(Logger, logger, 'core');
  services.provide(Clock, systemClock, 'core');
  services.provide(Metrics, metrics, 'core');
  services.provide(DeadLetterSink, deadLetters, 'core');

  const thirdParty = await loadPluginModules(loaded.config.plugins, loaded.baseDir);
  const candidates = [...builtins.map((descriptor) => ({ descriptor, origin: 'built-in' })), ...thirdParty.descriptors];
  const registered = await registerPlugins(services, candidates, loaded, logger);
  const failures = [...thirdParty.failures.map((failure) => ({ id: failure.spec, message: failure.message })), ...registered.failures];
  for (const failure of failures) logger.error({ plugin: failure.id }, failure.message);
  // Nothing runs without its bus and graph store: their plugin failing is fatal.
  for (const kind of ['bus', 'graph'] as const) {
    const failure = registered.failures.find((item) => item.kind === kind);
    if (failure) throw new Error(failure.message);
  }

  const bus = services.get(EventBus);
  const graphless = options.graph === 'unread' && graphUsers(candidates.map((candidate) => candidate.descriptor), registered.active).length === 0;
  registerComponentMetrics(metrics, { bus, collectors: () => registered.collectors });
  return {
    services,
    logger,
    metrics,
    deadLetters,
    limits: loaded.config.limits,
    bus,
    // Without a graph the engine keeps a topology index of its own.
    graph: graphless ? noopGraphStore : services.get(GraphStore),
    ...(!graphless && services.has(LiveTopology) ? { topology: services.get(LiveTopology) } : {}),
    ...(services.has(StateStore) ? { stateStore: services.get(StateStore) } : {}),
    ...(services.has(WriteAheadLog) ? { wal: services.get(WriteAheadLog) } : {}),
    collectors: registered.collectors,
    transformers: registered.transformers,
    trustedTransformers: registered.trustedTransformers,
    correlators: registered.correlators,
    sinks: await deliveries(registered.sinks, metrics, logger),
    ...(telemetry?.tracer ? { tracer: telemetry.tracer } : {}),
    tracing: await EventTracing.withTracer(telemetry?.tracer),
    pluginFailures: failures,
    activePlugins: registered.active,
  };
}
