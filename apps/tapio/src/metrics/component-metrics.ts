import { circuitMetrics, totalFollower, type Collector, type DeadLetter, type DeadLetterSink, type EventBus, type Metrics } from '@tapio/domain';

const isUp = (status: string) => (status === 'ok' || status === 'degraded' ? 1 : 0);

/**
 * Metrics every Tapio process has, whatever its bus, graph or mode, under one set of
 * names: bus traffic from `EventBus.stats()` (counters following the bus's totals),
 * queue depths, bus and collector up. Sampled before each scrape. The circuit-breaker
 * families are declared here too, so they are listed before (or without) any breaker.
 */
export function registerComponentMetrics(metrics: Metrics, components: { bus: EventBus; collectors: () => readonly Collector[] }): void {
  const published = totalFollower(metrics.counter('tapio_bus_published_total', 'Messages the bus accepted'));
  const delivered = totalFollower(metrics.counter('tapio_bus_delivered_total', 'Messages the bus delivered and had acknowledged'));
  const dropped = totalFollower(metrics.counter('tapio_bus_dropped_total', 'Messages the bus gave up on or could not accept (dead-lettered or dropped)'));
  const waiting = metrics.gauge('tapio_bus_messages_waiting', 'Messages waiting for a subscriber, by queue (topic/group)', ['queue']);
  const busUp = metrics.gauge('tapio_bus_up', '1 while the bus can publish and consume (ok or degraded), 0 otherwise');
  const collectorUp = metrics.gauge('tapio_collector_up', '1 while a collector is ok or degraded, 0 otherwise, by collector', ['collector']);
  circuitMetrics(metrics);
  metrics.beforeScrape(() => {
    const stats = components.bus.stats();
    published(stats.published);
    delivered(stats.delivered);
    dropped(stats.dropped);
    for (const [queue, depth] of Object.entries(stats.queueDepth)) waiting.set(depth, { queue });
    busUp.set(isUp(components.bus.health().status));
    for (const collector of components.collectors()) collectorUp.set(isUp(collector.health().status), { collector: collector.id });
  });
}

/** The dead-letter sink, counting what it is handed by stage and source as it happens. */
export function countedDeadLetters(sink: DeadLetterSink, metrics: Metrics): DeadLetterSink {
  const counter = metrics.counter('tapio_dead_letters_total', 'Inputs refused and kept as dead letters, by stage and source', ['stage', 'source']);
  return {
    put(entry: DeadLetter) {
      counter.inc({ stage: entry.stage, source: entry.source ?? 'unknown' });
      sink.put(entry);
    },
    count: () => sink.count(),
    recent: (limit) => sink.recent(limit),
  };
}
