import type { ComponentHealth, CounterMetric, GaugeMetric, Metrics } from '@tapio/domain';
import type { NatsBusStats } from './bus-stats.js';

type CounterField = 'published' | 'duplicates' | 'dropped' | 'retries' | 'rejected' | 'delivered' | 'redelivered' | 'deadLettered' | 'skipped' | 'reconnects';

const COUNTERS: Record<CounterField, [name: string, help: string]> = {
  published: ['tapio_bus_published_total', 'Messages stored by NATS JetStream (first time for their id)'],
  duplicates: ['tapio_bus_duplicates_total', 'Publishes NATS recognised as repeats of a stored id'],
  dropped: ['tapio_bus_dropped_total', 'Publishes dropped: buffer full while NATS was slow or away, or unsent at shutdown'],
  retries: ['tapio_bus_publish_retries_total', 'Publishes sent again after a timeout, a lost connection or a full stream'],
  rejected: ['tapio_bus_publish_rejected_total', 'Publishes NATS refused for good (e.g. larger than max_payload)'],
  delivered: ['tapio_bus_delivered_total', 'Messages handled and acknowledged'],
  redelivered: ['tapio_bus_redelivered_total', 'Handler failures sent back for another delivery'],
  deadLettered: ['tapio_bus_dead_lettered_total', 'Messages given up on and put in the dead-letter sink'],
  skipped: ['tapio_bus_skipped_total', "Other partitions' messages skipped by a client-side partition filter"],
  reconnects: ['tapio_bus_reconnects_total', 'Reconnections to NATS'],
};

/**
 * Mirrors the bus's counters into the Metrics port (Prometheus-shaped), so drops and
 * redeliveries are visible on a dashboard. Counters advance by what changed since the
 * last update; gauges are set.
 */
export class BusMetricsExporter {
  private readonly counters = new Map<CounterField, CounterMetric>();
  private readonly last = new Map<CounterField, number>();
  private readonly buffered: GaugeMetric;
  private readonly inFlight: GaugeMetric;
  private readonly queueDepth: GaugeMetric;
  private readonly up: GaugeMetric;
  private readonly labels = { bus: 'nats' };

  constructor(metrics: Metrics) {
    for (const [field, [name, help]] of Object.entries(COUNTERS) as Array<[CounterField, [string, string]]>) {
      this.counters.set(field, metrics.counter(name, help));
    }
    this.buffered = metrics.gauge('tapio_bus_buffered', 'Publishes accepted and waiting to be sent');
    this.inFlight = metrics.gauge('tapio_bus_in_flight', 'Publishes sent and waiting for their acknowledgement');
    this.queueDepth = metrics.gauge('tapio_bus_queue_depth', 'Messages waiting for a subscription (server backlog plus running)');
    this.up = metrics.gauge('tapio_bus_up', '1 while the bus can publish and consume (ok or degraded), 0 otherwise');
  }

  update(stats: NatsBusStats, health: ComponentHealth): void {
    for (const [field, counter] of this.counters) {
      const delta = stats[field] - (this.last.get(field) ?? 0);
      if (delta > 0) counter.inc(this.labels, delta);
      this.last.set(field, stats[field]);
    }
    this.buffered.set(stats.buffered, this.labels);
    this.inFlight.set(stats.inFlight, this.labels);
    for (const [subscription, depth] of Object.entries(stats.queueDepth)) this.queueDepth.set(depth, { ...this.labels, subscription });
    this.up.set(health.status === 'ok' || health.status === 'degraded' ? 1 : 0, this.labels);
  }
}
