import type { Tracer } from '@opentelemetry/api';
import type { FeedbackPolicy, GraphStore, Logger, Metrics } from '@tapio/domain';
import { buildApi, GraphPatternAdmin, listenApi, type ApiConfig, type HealthReport } from '@tapio/api';
import { StagePatternAdmin, type ProcessingStage } from '@tapio/runtime';

export interface ApiServerDeps {
  graph: GraphStore;
  metrics: Metrics;
  logger: Logger;
  health: () => HealthReport;
  /** The correlation stage when this process runs it; the API alone works from the graph. */
  processing: ProcessingStage | undefined;
  /** How verdicts move confidence and standing when the API works from the graph alone. */
  feedbackPolicy?: FeedbackPolicy;
  version: string;
  /** Request spans continuing an incoming W3C traceparent (telemetry on). */
  tracer?: Tracer;
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
    const { graph, metrics, logger, health, processing, version, tracer, feedbackPolicy } = this.deps;
    const patterns = processing ? new StagePatternAdmin(processing, graph) : new GraphPatternAdmin(graph, feedbackPolicy);
    this.app = await buildApi({ graph, metrics, health, patterns, logger: logger.child({ component: 'api' }) }, { config: this.config, version, ...(tracer ? { tracer } : {}) });
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
