import pRetry from 'p-retry';
import { silentLogger, type ComponentHealth, type CounterMetric, type InsightNotification, type InsightSink, type Logger, type Metrics } from '@tapio/domain';
import { routeAccepts, type SinkSettings } from './sink-settings.js';

/**
 * A sink as Tapio runs it: the route decides what it is told, p-retry retries failed
 * deliveries with exponential back-off (a 4xx that cannot succeed is not retried),
 * outcomes are counted (`tapio_sink_notifications_total{sink,outcome}`,
 * `tapio_sink_retries_total{sink}`) and the last failure shows in its health until a
 * delivery succeeds again. Notifications of one sink go out one at a time, in order,
 * so an update never overtakes the incident it updates.
 */
export class SinkDelivery {
  private chain: Promise<void> = Promise.resolve();
  private lastError: { message: string; at: string } | undefined;
  private readonly counts = { sent: 0, failed: 0, filtered: 0 };
  private readonly outcomes: CounterMetric;
  private readonly retries: CounterMetric;

  constructor(
    readonly sink: InsightSink,
    private readonly settings: SinkSettings,
    metrics: Metrics,
    private readonly logger: Logger = silentLogger,
  ) {
    this.outcomes = metrics.counter('tapio_sink_notifications_total', 'Insight notifications by sink and outcome (sent, failed after every retry, filtered by the route)', ['sink', 'outcome']);
    this.retries = metrics.counter('tapio_sink_retries_total', 'Notifications sent again after a failed attempt, by sink', ['sink']);
  }

  get id(): string {
    return this.sink.id;
  }

  /** Queues the notification; resolves when it was delivered, refused by the route, or given up on. */
  deliver(notification: InsightNotification): Promise<void> {
    const next = this.chain.then(() => this.attempt(notification));
    this.chain = next;
    return next;
  }

  /** Resolves when everything queued so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  health(): ComponentHealth {
    const details = { ...this.counts, ...(this.lastError ? { lastFailure: this.lastError.at } : {}) };
    if (this.lastError) return { status: 'degraded', reason: `last notification failed: ${this.lastError.message}`, details };
    return { status: 'ok', details };
  }

  private async attempt(notification: InsightNotification): Promise<void> {
    const sink = this.sink.id;
    if (!routeAccepts(this.settings.route, notification.insight)) {
      this.counts.filtered += 1;
      this.outcomes.inc({ sink, outcome: 'filtered' });
      return;
    }
    const { attempts, initialDelayMs, maxDelayMs } = this.settings.retry;
    try {
      await pRetry(() => this.sink.send(notification), {
        retries: attempts - 1,
        minTimeout: initialDelayMs,
        maxTimeout: maxDelayMs,
        factor: 2,
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0) this.retries.inc({ sink });
          this.logger.warn({ sink, insight: notification.insight.id, attempt: attemptNumber, retriesLeft, err: error.message }, 'notification failed');
        },
      });
      this.counts.sent += 1;
      this.outcomes.inc({ sink, outcome: 'sent' });
      this.lastError = undefined;
    } catch (error) {
      this.counts.failed += 1;
      this.outcomes.inc({ sink, outcome: 'failed' });
      this.lastError = { message: (error as Error).message, at: new Date().toISOString() };
      this.logger.error({ sink, insight: notification.insight.id, change: notification.change, err: (error as Error).message }, 'notification given up after every retry');
    }
  }
}
