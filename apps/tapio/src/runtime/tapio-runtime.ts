import { parseDuration, type BusDelivery, type BusSubscription, type ComponentHealth, type GraphStore, type HistogramMetric, type Logger, type ResourceNode } from '@tapio/domain';
import { Pipeline } from '@tapio/pipeline';
import type { Composition } from '../compose.js';
import type { RunMode, TapioConfig } from '../config/schema.js';
import type { ApiConfig } from '@tapio/api/config';
import type { EventTracing } from '@tapio/runtime';
import type { ApiServer } from './api-server.js';
import { admitWhenOpen, collectorHealth, DegradationMonitor, engineRelief, keptState, ProcessingStage, startCollectors, transformHandler, TransformerStateKeeper } from '@tapio/runtime';
import { WalDurability } from './wal-durability.js';
import { registerPredictionMetrics } from '../metrics/prediction-metrics.js';

export class ModeNotAvailableError extends Error {}

const STORED_RESOURCES_TIMEOUT_MS = 30_000;

/**
 * A transformer-only process reads the shared graph's resources once at start, so its
 * first versions after a restart are not all new. The graph being away must not keep the
 * transformer from running: after a timeout it starts without them, saying so.
 */
async function storedResources(graph: GraphStore, logger: Logger): Promise<ResourceNode[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STORED_RESOURCES_TIMEOUT_MS / 1000} s`)), STORED_RESOURCES_TIMEOUT_MS);
  });
  try {
    const read = (async () => {
      await graph.start();
      try {
        return (await graph.topologySnapshot()).nodes;
      } finally {
        await graph.stop();
      }
    })();
    read.catch(() => undefined);
    return await Promise.race([read, timeout]);
  } catch (error) {
    logger.warn({ err: error }, 'could not read the stored resources from the graph; objects seen first after this restart count as new');
    return [];
  } finally {
    clearTimeout(timer);
  }
}

const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1];

/** A bus handler that records how long each message took in a histogram. */
function timed<T>(histogram: HistogramMetric, handler: (message: T, delivery: BusDelivery) => Promise<void>): (message: T, delivery: BusDelivery) => Promise<void> {
  return async (message, delivery) => {
    const started = performance.now();
    try {
      await handler(message, delivery);
    } finally {
      histogram.observe((performance.now() - started) / 1000);
    }
  };
}

/** What each run mode runs. The embedded bus only connects stages of one process. */
const STAGES: Record<RunMode, { collectors: boolean; transformer: boolean; processing: boolean; api: boolean }> = {
  all: { collectors: true, transformer: true, processing: true, api: true },
  collectors: { collectors: true, transformer: false, processing: false, api: false },
  transformer: { collectors: false, transformer: true, processing: false, api: false },
  correlation: { collectors: false, transformer: false, processing: true, api: false },
  api: { collectors: false, transformer: false, processing: false, api: true },
};

/**
 * A running Tapio in one of its modes: collectors → raw → transformer → unified →
 * processing (topology and events into the graph). `stop` shuts down in order and
 * flushes everything already accepted.
 */
export class TapioRuntime {
  private readonly subscriptions: BusSubscription[] = [];
  private collectorFailures = new Map<string, string>();
  private readonly pipeline: Pipeline;
  private processing: ProcessingStage | undefined;
  private started = false;
  /** The step start() is in (readiness says "starting" with it); undefined once started. */
  private startStep: string | undefined = 'not started';
  private api: ApiServer | undefined;
  /** Spans of the event path when telemetry is on (a pass-through otherwise). */
  private readonly tracing: EventTracing;
  private wal: WalDurability | undefined;
  private degradation: DegradationMonitor | undefined;

  constructor(
    private readonly composition: Composition,
    private readonly mode: RunMode,
    private readonly options: {
      cluster: string;
      /** The bus plugin's id, for the logs. */
      busType: string;
      correlation: TapioConfig['correlation'];
      /** When to run degraded or read-only (modes that correlate). */
      degradation?: TapioConfig['degradation'];
      baseDir: string;
      watchPatterns: boolean;
      /** This correlation worker's or transformer's share of the partitions (all of them when absent). */
      partition?: { index: number; count: number };
      /** Serve the REST API (modes all and api); tokens already resolved from the environment. */
      api?: ApiConfig;
      version?: string;
    },
  ) {
    const { cluster } = options;
    this.tracing = composition.tracing;
    // Mode api reads the graph only (a shared Neo4j, or a memory graph's snapshot): no bus.
    if (mode !== 'all' && mode !== 'api' && !composition.bus.durable) {
      throw new ModeNotAvailableError(`mode "${mode}" runs one stage of a distributed Tapio and needs a shared bus (bus.type: nats); with the embedded bus use mode "all"`);
    }
    this.pipeline = new Pipeline({
      transformers: composition.transformers,
      trusted: composition.trustedTransformers,
      deadLetters: composition.deadLetters,
      limits: composition.limits,
      cluster,
      metrics: composition.metrics,
      logger: composition.logger.child({ component: 'pipeline' }),
    });
  }

  /** The correlation stage, when this mode runs it. */
  get correlation(): ProcessingStage | undefined {
    return this.processing;
  }

  /** The REST API's URL, when this mode serves it. */
  get apiUrl(): string | undefined {
    return this.api?.url;
  }

  get stages() {
    return STAGES[this.mode];
  }

  pipelineStats() {
    return this.pipeline.stats();
  }

  async start(): Promise<void> {
    const { bus, graph, collectors, logger } = this.composition;
    const stages = STAGES[this.mode];
    // A durable bus connects in the background and retries while its server is down
    // (health() says why); publishes buffer meanwhile, subscriptions activate on connect.
    if ('start' in bus && typeof bus.start === 'function') {
      (bus as { start(): Promise<void> }).start().then(
        () => logger.info({ bus: this.options.busType }, 'event bus connected'),
        (error: Error) => logger.error({ err: error }, 'event bus failed to start'),
      );
    }
    // Not ready (readyz 503) until what the write-ahead log kept has been processed again.
    this.wal = this.composition.wal && this.mode === 'all' ? new WalDurability(this.composition.wal, bus, graph, logger.child({ component: 'wal' })) : undefined;
    // Stored resources, which the transformer stage remembers as the last versions seen.
    let stored: ResourceNode[] | undefined;
    if (stages.processing) {
      this.startStep = 'connecting to the graph store';
      await graph.start();
      const processingLatency = this.composition.metrics.histogram('tapio_correlation_processing_seconds', 'Time to correlate one event and write it to the graph, seconds', LATENCY_BUCKETS);
      const durable = this.composition.bus.durable === true;
      const processing = new ProcessingStage(graph, bus, this.composition.correlators, this.options.correlation, this.options.baseDir, logger.child({ component: 'correlation' }), durable, this.composition.topology, this.tracing);
      // A running Tapio (not an analysis of a file) degrades under memory pressure and failing dependencies.
      const degradation = this.options.degradation;
      this.degradation = degradation
        ? new DegradationMonitor({
            maintenance: degradation.maintenance,
            degradedHeapRatio: degradation.degradedHeapRatio,
            readOnlyHeapRatio: degradation.readOnlyHeapRatio,
            recheckMs: parseDuration(degradation.recheckInterval),
            dependencies: () => ({ graph: graph.health(), bus: bus.health() }),
            // Read-only by memory sheds the engine's older window (its events stay in the graph) and says what it cannot shed.
            reliefs: () => [engineRelief(processing.engine)],
            held: () => keptState(processing.engine, () => graph.health()),
            metrics: this.composition.metrics,
            logger: logger.child({ component: 'mode' }),
          })
        : undefined;
      processing.degradation = this.degradation;
      this.startStep = 'loading patterns and the stored topology';
      stored = await processing.start(this.options.watchPatterns, this.options.partition);
      this.startStep = 'subscribing correlation to the unified stream';
      this.processing = processing;
      registerPredictionMetrics(this.composition.metrics, () => processing.engine.predictionStats());
      this.subscriptions.push(
        await bus.subscribe('unified', 'correlation', timed(processingLatency, (event, delivery) => processing.handle(event, delivery)), {
          // With a durable bus, handlers overlap while they wait for the graph to make
          // their writes durable (acknowledgement after durability); correlation itself
          // stays in delivery order (it runs before the first await).
          ...(durable ? { concurrency: 64 } : {}),
          ...(this.options.partition ? { partition: this.options.partition } : {}),
        }),
      );
    }
    if (stages.api && this.options.api?.enabled) {
      this.startStep = 'connecting to the graph store';
      if (!stages.processing) await graph.start();
      // The REST API (fastify, GraphQL, Swagger UI) loads only in a process that serves it.
      const { ApiServer } = await import('./api-server.js');
      const api = new ApiServer(this.options.api, {
        graph,
        metrics: this.composition.metrics,
        logger,
        health: () => this.health(),
        processing: this.processing,
        ...(this.composition.tracer ? { tracer: this.composition.tracer } : {}),
        feedbackPolicy: this.options.correlation.feedback,
        version: this.options.version ?? '0',
      });
      try {
        await api.start();
      } catch (error) {
        // Undo what already started (the correlation stage watches files), so the process can exit.
        this.started = true;
        await this.stop();
        throw error;
      }
      this.api = api;
    }
    if (stages.transformer) {
      this.startStep = 'restoring the transformers\' state';
      if (this.options.correlation.warmStart.enabled) {
        const resources = stored ?? (graph.shared ? await storedResources(graph, logger) : []);
        this.pipeline.remember(resources);
      }
      // On a durable bus each publish waits for the server to store it; overlapping
      // handlers keep the stream moving meanwhile (the transform itself runs in delivery
      // order, before the handler's first await).
      const overlap = this.composition.bus.durable ? { concurrency: 64 } : {};
      // The transformers' previous versions, kept durable: read back before the first RawEvent.
      // With a write-ahead log (single process), its checkpoint holds that state: read it first.
      const recovered = await this.wal?.open();
      const stateStore = this.composition.stateStore;
      // A partitioned transformer keeps its own state (the cluster-scoped objects every partition sees are in each).
      const partition = this.options.partition;
      const stateScope = partition ? `p${partition.index}of${partition.count}` : undefined;
      const state = stateStore ? new TransformerStateKeeper(stateStore, this.composition.transformers, logger.child({ component: 'transformer-state' }), stateScope) : undefined;
      await state?.restore();
      this.startStep = 'subscribing the transformer to the raw stream';
      this.subscriptions.push(await bus.subscribe('raw', 'transformer', transformHandler(this.pipeline, bus, this.tracing, state), { ...overlap, ...(partition ? { partition } : {}) }));
      await this.wal?.replay(recovered ?? []);
    }
    this.startStep = 'starting the collectors';
    // Read-only by memory accepts no new event: the collectors wait with theirs (admitWhenOpen).
    if (stages.collectors) this.collectorFailures = await startCollectors(collectors, bus, logger, this.tracing, admitWhenOpen(this.degradation, this.wal?.admit));
    this.started = true;
    this.startStep = undefined;
    logger.info({ mode: this.mode, collectors: collectors.map((collector) => collector.id), plugins: this.composition.activePlugins }, 'tapio started');
  }

  /** Resolves when every finite collector (a replay) has delivered all its events and they are processed. */
  async finiteCollectorsDone(): Promise<void> {
    await Promise.all(this.composition.collectors.map((collector) => collector.completion?.()));
    await this.composition.bus.drain();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    const { bus, graph, collectors, logger } = this.composition;
    await this.api?.stop();
    await Promise.all(collectors.map((collector) => collector.stop().catch((error: Error) => logger.error({ collector: collector.id, err: error }, 'collector stop failed'))));
    await bus.drain();
    for (const subscription of this.subscriptions.splice(0)) await subscription.unsubscribe();
    const correlation = this.processing?.stats();
    if (this.processing) {
      await this.processing.stop();
      this.degradation?.stop();
      await graph.flush();
      await graph.stop();
    } else if (this.api) {
      await graph.stop();
    }
    this.api = undefined;
    // Everything is at rest and the graph saved: the write-ahead log can be emptied.
    await this.wal?.stop().catch((error: Error) => logger.error({ err: error }, 'write-ahead log: final checkpoint failed; it is processed again at the next start'));
    const busStats = bus.stats();
    await bus.close();
    await this.composition.stateStore?.close();
    logger.info(
      { pipeline: this.pipeline.stats(), deadLetters: this.composition.deadLetters.count(), bus: busStats, ...(correlation ? { correlation } : {}) },
      'tapio stopped',
    );
  }

  health(): Record<string, ComponentHealth | Record<string, ComponentHealth>> {
    // A process serving the API alone runs no collectors and uses no bus: only the graph matters to it.
    // Not ready before start() has subscribed its consumers and started its collectors.
    const start: Record<string, ComponentHealth> = this.startStep === undefined ? {} : { start: { status: 'starting', reason: `starting (${this.mode}): ${this.startStep}` } };
    if (this.mode === 'api') return { graph: this.composition.graph.health(), ...start };
    return {
      ...start,
      bus: this.composition.bus.health(),
      // Collectors and transformers never start the graph: its "stopped" is not theirs to report.
      ...(this.stages.processing ? { graph: this.composition.graph.health() } : {}),
      // Only a process that runs the collectors reports them: elsewhere they are "stopped" by design.
      ...(this.stages.collectors ? { collectors: collectorHealth(this.composition.collectors, this.collectorFailures) } : {}),
      ...(this.stages.transformer && this.composition.stateStore ? { state: this.composition.stateStore.health() } : {}),
      ...(this.degradation ? { mode: this.degradation.health() } : {}),
      ...(this.wal ? { wal: this.wal.health() } : {}),
      ...(this.stages.processing && this.composition.sinks.length ? { sinks: Object.fromEntries(this.composition.sinks.map((sink) => [sink.id, sink.health()])) } : {}),
    };
  }
}
