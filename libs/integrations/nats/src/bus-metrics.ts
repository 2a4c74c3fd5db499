import type { CounterMetric, GaugeMetric, Metrics } from '@tapio/domain';
import type { NatsBusStats } from './bus-stats.js';

type CounterField = 'duplicates' | 'retries' | 'rejected' | 'redelivered' | 'deadLettered' | 'skipped' | 'duplicatesSkipped' | 'envelopes' | 'enveloped' | 'reconnects';

/**
 * Only what a NATS bus has beyond every bus: published, delivered, dropped, queue depth
 * and up come from `EventBus.stats()` / `health()` under the same names in every mode
 * (the app samples them at each scrape).
 */
const COUNTERS: Record<CounterField, [name: string, help: string]> = {
  duplicates: ['tapio_bus_duplicates_total', 'Publishes NATS recognised as repeats of a stored id'],
  retries: ['tapio_bus_publish_retries_total', 'Publishes sent again after a timeout, a lost connection or a full stream'],
  rejected: ['tapio_bus_publish_rejected_total', 'Publishes NATS refused for good (e.g. larger than max_payload)'],
  redelivered: ['tapio_bus_redelivered_total', 'Handler failures sent back for another delivery'],
  deadLettered: ['tapio_bus_dead_lettered_total', 'Messages given up on and put in the dead-letter sink'],
  skipped: ['tapio_bus_skipped_total', "Other partitions' messages skipped by a client-side partition filter"],
  duplicatesSkipped: ['tapio_bus_duplicates_skipped_total', 'Events delivered again after this process completed them (a message sent back for another event, a re-publication), skipped'],
  envelopes: ['tapio_bus_envelopes_total', 'Batch envelopes published (NATS messages carrying more than one event)'],
  enveloped: ['tapio_bus_enveloped_events_total', 'Events published inside batch envelopes'],
  reconnects: ['tapio_bus_reconnects_total', 'Reconnections to NATS'],
};

/**
 * Mirrors the NATS bus's own counters into the Metrics port, so redeliveries and
 * reconnects are visible on a dashboard. Counters advance by what changed since the
 * last update; gauges are set.
 */
export class BusMetricsExporter {
  private readonly counters = new Map<CounterField, CounterMetric>();
  private readonly last = new Map<CounterField, number>();
  private readonly buffered: GaugeMetric;
  private readonly inFlight: GaugeMetric;

  constructor(metrics: Metrics) {
    for (const [field, [name, help]] of Object.entries(COUNTERS) as Array<[CounterField, [string, string]]>) {
      this.counters.set(field, metrics.counter(name, help));
    }
    this.buffered = metrics.gauge('tapio_bus_buffered', 'Publishes accepted and waiting to be sent to NATS');
    this.inFlight = metrics.gauge('tapio_bus_in_flight', 'Publishes sent to NATS and waiting for their acknowledgement');
  }

  update(stats: NatsBusStats): void {
    for (const [field, counter] of this.counters) {
      const delta = stats[field] - (this.last.get(field) ?? 0);
      if (delta > 0) counter.inc(undefined, delta);
      this.last.set(field, stats[field]);
    }
    this.buffered.set(stats.buffered);
    this.inFlight.set(stats.inFlight);
  }
}
