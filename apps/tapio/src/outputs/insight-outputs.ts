import { formatEntity, type BusSubscription, type EventBus, type Insight, type Logger, type Metrics } from '@tapio/domain';
import { InsightTracker, type InsightChange } from './insight-tracker.js';

/** Something told about each new or changed insight (a sink, the log). */
export type InsightListener = (insight: Insight, change: Exclude<InsightChange, 'same'>) => void | Promise<void>;

/**
 * Where insights leave Tapio: subscribes to the bus's insights topic (group "outputs"),
 * counts each new incident in `tapio_insights_total{severity,pattern}`, logs one line per
 * new or changed insight, and hands those to the listeners (sinks). Repeats and updates
 * that change nothing worth telling are dropped here.
 */
export class InsightOutputs {
  private readonly tracker = new InsightTracker();
  private readonly listeners: InsightListener[] = [];
  private readonly insights: ReturnType<Metrics['counter']>;
  private subscription: BusSubscription | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.insights = metrics.counter('tapio_insights_total', 'Incidents Tapio explained (new insights), by severity and pattern', ['severity', 'pattern']);
  }

  listen(listener: InsightListener): void {
    this.listeners.push(listener);
  }

  /** Subscribes; call before the runtime starts so no insight is published unseen. */
  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe('insights', 'outputs', async (insight) => this.handle(insight));
  }

  async stop(): Promise<void> {
    await this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  async handle(insight: Insight): Promise<void> {
    const change = this.tracker.classify(insight);
    if (change === 'same') return;
    if (change === 'new') this.insights.inc({ severity: insight.severity, pattern: insight.pattern ?? 'none' });
    this.logger.info(
      { insight: insight.id, change, severity: insight.severity, pattern: insight.pattern, rootCause: formatEntity(insight.rootCause.entity), symptoms: insight.symptoms.length, confidence: Math.round(insight.confidence * 100) / 100 },
      `${change === 'new' ? 'insight' : 'insight updated'}: [${insight.severity}] ${insight.pattern ?? 'insight'}: root cause ${formatEntity(insight.rootCause.entity)}, ${insight.symptoms.length} symptom${insight.symptoms.length === 1 ? '' : 's'}`,
    );
    for (const listener of this.listeners) await listener(insight, change);
  }
}
