import type { Collector, DeadLetterSink, EventBus, GraphStore, Logger, Metrics } from '@tapio/domain';
import { buildApi, GraphPatternAdmin, listenApi, type ApiConfig, type HealthReport } from '@tapio/api';
import type { ProcessingStage } from './processing-stage.js';
import { StagePatternAdmin } from './stage-pattern-admin.js';

export interface ApiServerDeps {
  graph: GraphStore;
  metrics: Metrics;
  logger: Logger;
  health: () => HealthReport;
  /** The correlation stage when this process runs it; the API alone works from the graph. */
  processing: ProcessingStage | undefined;
  version: string;
  /** Sampled into gauges at each /metrics scrape. */
  bus: EventBus;
  deadLetters: DeadLetterSink;
  collectors: readonly Collector[];
}

/** Gauges sampled from live components when Prometheus scrapes: bus queues, dead letters, collectors up. */
function scrapeSampler(deps: ApiServerDeps): () => void {
  const waiting = deps.metrics.gauge('tapio_bus_messages_waiting', 'Messages waiting for a subscriber, by queue (topic/group)');
  const published = deps.metrics.gauge('tapio_bus_published', 'Messages the bus accepted since start');
  const delivered = deps.metrics.gauge('tapio_bus_delivered', 'Messages the bus delivered since start');
  const dropped = deps.metrics.gauge('tapio_bus_dropped', 'Messages the bus gave up on (dead-lettered) since start');
  const deadLetters = deps.metrics.gauge('tapio_dead_letters', 'Inputs refused and kept as dead letters since start');
  const collectorUp = deps.metrics.gauge('tapio_collector_up', '1 while a collector is ok or degraded, 0 otherwise, by collector');
  return () => {
    const stats = deps.bus.stats();
    for (const [queue, depth] of Object.entries(stats.queueDepth)) waiting.set(depth, { queue });
    published.set(stats.published);
    delivered.set(stats.delivered);
    dropped.set(stats.dropped);
    deadLetters.set(deps.deadLetters.count());
    for (const collector of deps.collectors) {
      const status = collector.health().status;
      collectorUp.set(status === 'ok' || status === 'degraded' ? 1 : 0, { collector: collector.id });
    }
  };
}

/** The REST API of a running Tapio, listening where `api:` says (loopback by default). */
export class ApiServer {
  private app: Awaited<ReturnType<typeof buildApi>> | undefined;
  private address: string | undefined;

  constructor(
    private readonly config: ApiConfig,
    private readonly deps: ApiServerDeps,
  ) {}

  /** The URL it listens on, once started. */
  get url(): string | undefined {
    return this.address;
  }

  async start(): Promise<void> {
    const { graph, metrics, logger, health, processing, version } = this.deps;
    const patterns = processing ? new StagePatternAdmin(processing, graph) : new GraphPatternAdmin(graph);
    this.app = await buildApi({ graph, metrics, health, patterns, logger: logger.child({ component: 'api' }), beforeScrape: scrapeSampler(this.deps) }, { config: this.config, version });
    try {
      this.address = await listenApi(this.app, this.config);
    } catch (error) {
      await this.app.close();
      this.app = undefined;
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`api: cannot listen on ${this.config.host}:${this.config.port} (${code}); change api.host / api.port in the configuration, or set api.enabled: false`);
    }
    const exposed = !['127.0.0.1', '::1', 'localhost'].includes(this.config.host);
    logger.info({ url: this.address, docs: `${this.address}/docs`, writes: Boolean(this.config.token), protectReads: this.config.protectReads }, 'REST API listening');
    if (exposed && !this.config.protectReads) logger.warn({ host: this.config.host }, 'the REST API is reachable beyond loopback and its reads are not protected (api.protectReads)');
  }

  /** Stops accepting requests and waits for the ones in flight. */
  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }
}
