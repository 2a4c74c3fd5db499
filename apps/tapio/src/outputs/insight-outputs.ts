import { formatEntity, type BusSubscription, type EventBus, type Insight, type InsightChange, type Logger, type Metrics } from '@tapio/domain';
import { EventTracing } from '@tapio/runtime';
import type { SinkDelivery } from '@tapio/sinks';
import { InsightTracker } from './insight-tracker.js';

export interface InsightOutputsOptions {
  /** An incident with no news for this long (wall clock) has ended: sinks are told it is resolved. */
  resolveAfterMs: number;
  /**
   * Open incidents followed at most (tapio.yaml `correlation.limits.maxIncidents`, the engine's
   * book): beyond it the one with the oldest news is resolved at once. Without it, every
   * incident of the last `resolveAfterMs` (default the merge window, 1 h) was held whole.
   */
  maxOpen?: number;
  /** How often to look for ended incidents; default a quarter of resolveAfterMs, at most 10 s. */
  checkEveryMs?: number;
  /** A `tapio.notify` span per insight, continuing the trace of the event that changed it (telemetry on). */
  tracing?: EventTracing;
}

/**
 * Where insights leave Tapio: subscribes to the bus's insights topic (group "outputs"),
 * counts each new incident in `tapio_insights_total{severity,pattern}`, logs one line per
 * new, changed or resolved incident, and hands exactly those to the sinks (so a sink
 * gets one notification per incident and then updates, never repeats). An incident is
 * resolved when it had no news for `resolveAfterMs`, or when more than `maxOpen` are open
 * and its news is the oldest (the engine's book holds no more either).
 */
export class InsightOutputs {
  private readonly tracker = new InsightTracker();
  /** Open incidents, oldest news first (each news moves its incident to the end). */
  private readonly open = new Map<string, { insight: Insight; lastNewsAt: number }>();
  private readonly insights: ReturnType<Metrics['counter']>;
  private subscription: BusSubscription | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly sinks: readonly SinkDelivery[],
    metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: InsightOutputsOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.insights = metrics.counter('tapio_insights_total', 'Incidents Tapio explained (new insights), by severity and pattern', ['severity', 'pattern']);
  }

  /** Subscribes; call before the runtime starts so no insight is published unseen. */
  async start(): Promise<void> {
    const tracing = this.options.tracing ?? new EventTracing();
    this.subscription = await this.bus.subscribe('insights', 'outputs', async (insight, delivery) =>
      tracing.span('tapio.notify', 'consumer', delivery?.headers, { 'tapio.insight.id': insight.id, 'tapio.insight.pattern': insight.pattern, 'messaging.system': 'tapio', 'messaging.destination.name': 'insights' }, () => this.handle(insight)),
    );
    const every = this.options.checkEveryMs ?? Math.min(10_000, Math.max(100, this.options.resolveAfterMs / 4));
    this.timer = setInterval(() => void this.resolveEnded(), every);
    this.timer.unref();
  }

  /** Stops listening and waits (up to 10 s: a sink may be down) for the sinks to finish what they were given. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
    await Promise.all(this.sinks.map((sink) => sink.stop(10_000)));
  }

  async handle(insight: Insight): Promise<void> {
    const change = this.tracker.classify(insight);
    this.open.delete(insight.id);
    this.open.set(insight.id, { insight, lastNewsAt: this.now() });
    for (const [id, entry] of this.open) {
      if (this.open.size <= (this.options.maxOpen ?? Number.POSITIVE_INFINITY)) break;
      this.resolve(id, entry.insight);
    }
    if (change === 'same') return;
    if (change === 'new') this.insights.inc({ severity: insight.severity, pattern: insight.pattern ?? 'none' });
    this.tell(insight, change);
  }

  /** Tells the sinks about every incident that had no news for resolveAfterMs. */
  async resolveEnded(): Promise<void> {
    const cutoff = this.now() - this.options.resolveAfterMs;
    for (const [id, entry] of this.open) {
      // Oldest news first: the first one with recent news ends the search.
      if (entry.lastNewsAt > cutoff) break;
      this.resolve(id, entry.insight);
    }
  }

  /** Incidents followed now. */
  get openCount(): number {
    return this.open.size;
  }

  private resolve(id: string, insight: Insight): void {
    this.open.delete(id);
    this.tracker.forget(id);
    this.tell(insight, 'resolved');
  }

  private tell(insight: Insight, change: InsightChange): void {
    const words = { new: 'insight', changed: 'insight updated', resolved: 'insight resolved' }[change];
    this.logger.info(
      { insight: insight.id, change, severity: insight.severity, pattern: insight.pattern, rootCause: formatEntity(insight.rootCause.entity), symptoms: insight.symptoms.length, confidence: Math.round(insight.confidence * 100) / 100 },
      `${words}: [${insight.severity}] ${insight.pattern ?? 'insight'}: root cause ${formatEntity(insight.rootCause.entity)}, ${insight.symptoms.length} symptom${insight.symptoms.length === 1 ? '' : 's'}`,
    );
    // Deliveries queue per sink (in order) and retry in the background: the bus handler does not wait for Slack.
    for (const sink of this.sinks) void sink.deliver({ insight, change });
  }
}
