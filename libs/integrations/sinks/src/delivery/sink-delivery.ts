import { ExponentialBackoff, handleWhen, noJitterGenerator, retry, type RetryPolicy } from 'cockatiel';
import { CircuitBreaker, CircuitOpenError, silentLogger, type CircuitReport, type ComponentHealth, type CounterMetric, type InsightNotification, type InsightSink, type Logger, type Metrics } from '@tapio/domain';
import { routeAccepts, type SinkSettings } from './sink-settings.js';

/** A refusal sending again cannot fix (SinkRefusedError, or any sink's error marked `permanent`). */
function permanent(error: unknown): boolean {
  return error instanceof Error && (error.name === 'SinkRefusedError' || (error as { permanent?: unknown }).permanent === true);
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A sink as Tapio runs it: the route decides what it is told; cockatiel retries a failed
 * notification with exponential back-off and, around each attempt, Tapio's circuit breaker opens
 * after `circuit.failures` failed attempts in a row. A notification that could not be sent
 * is not given up: it stays first in line, and once the breaker half-opens
 * (`circuit.halfOpenAfterMs`) it is tried again, so nothing accepted is lost while the
 * receiver is down. Meanwhile new notifications queue, at most `buffer` of them; beyond it
 * they are dropped and counted. Only a refusal that cannot succeed (a 4xx other than 408 and
 * 429) gives one up. Notifications of one sink go out one at a time, in order, so an update
 * never overtakes the incident it updates. Counted: `tapio_sink_notifications_total{sink,outcome}`
 * (sent, failed, filtered, dropped), `tapio_sink_retries_total{sink}`, `tapio_sink_queued{sink}`,
 * and the breaker's `tapio_circuit_state{circuit="sink:<id>"}`; state and queue in health.
 */
export class SinkDelivery {
  readonly circuit: CircuitReport;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private stopping = false;
  private wakePause: (() => void) | undefined;
  private lastError: { message: string; at: string } | undefined;
  private readonly counts = { sent: 0, failed: 0, filtered: 0, dropped: 0 };
  private readonly outcomes: CounterMetric;
  private readonly retries: CounterMetric;
  private readonly queuedGauge;
  private readonly breaker: CircuitBreaker;
  private readonly retryPolicy: RetryPolicy;

  constructor(
    readonly sink: InsightSink,
    private readonly settings: SinkSettings,
    metrics: Metrics,
    private readonly logger: Logger = silentLogger,
  ) {
    this.outcomes = metrics.counter('tapio_sink_notifications_total', 'Insight notifications by sink and outcome (sent; failed: refused for good; filtered by the route; dropped: the queue was full)', ['sink', 'outcome']);
    this.retries = metrics.counter('tapio_sink_retries_total', 'Notifications sent again after a failed attempt, by sink', ['sink']);
    this.queuedGauge = metrics.gauge('tapio_sink_queued', 'Notifications waiting for a sink (bounded by its buffer setting)', ['sink']);
    this.breaker = new CircuitBreaker(`sink:${sink.id}`, settings.circuit, { target: `sink ${sink.id}`, metrics, counts: (error) => !permanent(error) });
    this.circuit = this.breaker.report;
    this.breaker.onStateChange((state) => {
      if (state === 'open') this.logger.warn({ sink: sink.id, queued: this.queued, retryInMs: settings.circuit.halfOpenAfterMs }, 'sink circuit open: notifications are held');
      if (state === 'closed') this.logger.info({ sink: sink.id, queued: this.queued }, 'sink circuit closed: delivering again');
    });
    // An open breaker is not retried: the notification waits until it half-opens.
    const transient = handleWhen((error) => !permanent(error) && !(error instanceof CircuitOpenError));
    const { attempts, initialDelayMs, maxDelayMs } = settings.retry;
    const retries = retry(transient, { maxAttempts: attempts - 1, backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: maxDelayMs, generator: noJitterGenerator }) });
    retries.onRetry(({ attempt }) => {
      this.retries.inc({ sink: sink.id });
      this.logger.warn({ sink: sink.id, attempt, err: this.lastError?.message }, 'notification failed; trying again');
    });
    this.retryPolicy = retries;
  }

  get id(): string {
    return this.sink.id;
  }

  /** Queues the notification; resolves when it was delivered, refused for good, filtered, or dropped (queue full). */
  deliver(notification: InsightNotification): Promise<void> {
    if (this.queued >= this.settings.buffer) {
      this.counts.dropped += 1;
      this.outcomes.inc({ sink: this.sink.id, outcome: 'dropped' });
      this.logger.error({ sink: this.sink.id, insight: notification.insight.id, change: notification.change, buffer: this.settings.buffer }, 'notification dropped: the sink is down and its queue is full');
      return Promise.resolve();
    }
    this.setQueued(this.queued + 1);
    const next = this.chain.then(() => this.attempt(notification)).finally(() => this.setQueued(this.queued - 1));
    this.chain = next;
    return next;
  }

  /** Resolves when everything queued so far is done. */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Waits up to `timeoutMs` for the queue to empty, then stops trying; returns how many
   * notifications were left undelivered (they are logged as lost with the process).
   */
  async stop(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.chain, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.stopping = true;
    this.wakePause?.();
    const left = this.queued;
    if (left > 0) this.logger.error({ sink: this.sink.id, left }, `${left} notifications not delivered before stop`);
    return left;
  }

  health(): ComponentHealth {
    const details = { ...this.counts, queued: this.queued, ...this.circuit.flatDetails('circuit'), ...(this.lastError ? { lastFailure: this.lastError.at } : {}) };
    if (this.circuit.state !== 'closed') return { status: 'degraded', reason: `circuit ${this.circuit.state}: ${this.queued} notifications held; last failure: ${this.lastError?.message ?? 'unknown'}`, details };
    if (this.lastError) return { status: 'degraded', reason: `last notification failed: ${this.lastError.message}`, details };
    return { status: 'ok', details };
  }

  private setQueued(queued: number): void {
    this.queued = queued;
    this.queuedGauge.set(queued, { sink: this.sink.id });
  }

  private async attempt(notification: InsightNotification): Promise<void> {
    const sink = this.sink.id;
    if (!routeAccepts(this.settings.route, notification.insight)) {
      this.counts.filtered += 1;
      this.outcomes.inc({ sink, outcome: 'filtered' });
      return;
    }
    while (!this.stopping) {
      try {
        await this.retryPolicy.execute(() =>
          this.breaker.run(() =>
            this.sink.send(notification).catch((error: unknown) => {
              this.lastError = { message: messageOf(error), at: new Date().toISOString() };
              throw error;
            }),
          ),
        );
        this.counts.sent += 1;
        this.outcomes.inc({ sink, outcome: 'sent' });
        this.lastError = undefined;
        return;
      } catch (error) {
        if (permanent(error)) {
          this.counts.failed += 1;
          this.outcomes.inc({ sink, outcome: 'failed' });
          this.lastError = { message: messageOf(error), at: new Date().toISOString() };
          this.logger.error({ sink, insight: notification.insight.id, change: notification.change, err: messageOf(error) }, 'notification refused for good by the receiver');
          return;
        }
        // Every attempt failed or the breaker is open: it stays first in line until the breaker half-opens.
        await this.pause(this.settings.circuit.halfOpenAfterMs);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakePause = undefined;
        resolve();
      }
      this.wakePause = done;
    });
  }
}
