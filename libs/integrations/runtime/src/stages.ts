import type { BusDelivery, Collector, ComponentHealth, EventBus, Logger, RawEvent } from '@tapio/domain';
import { rawForBus, type Pipeline } from '@tapio/pipeline';
import { EventTracing } from './tracing/event-tracing.js';
import type { TransformerStateKeeper } from './transformer-state.js';

/** How a collector's RawEvent is handed to the bus: `publish` does it, after whatever comes first (the write-ahead log). */
export type Admit = (raw: RawEvent, publish: () => Promise<void>) => Promise<void>;

/**
 * Holds each collector's hand-over while the intake is closed (read-only by memory:
 * DegradationMonitor.intakeOpen), then admits it. A collector awaits its hand-over, so it
 * stops reading its source meanwhile: the events wait there, not in this process's heap.
 */
export function admitWhenOpen(intake: { readonly intakeOpen: boolean; whenIntakeOpen(): Promise<void> } | undefined, admit?: Admit): Admit | undefined {
  if (!intake) return admit;
  const pass: Admit = admit ?? ((_raw, publish) => publish());
  return (raw, publish) => (intake.intakeOpen ? pass(raw, publish) : intake.whenIntakeOpen().then(() => pass(raw, publish)));
}

/**
 * Starts the collectors; each publishes its RawEvents on the bus, through `admit` when
 * given (the write-ahead log of a single-process Tapio writes it first). A collector that
 * fails to start is reported, the rest run.
 */
export async function startCollectors(
  collectors: readonly Collector[],
  bus: EventBus,
  logger: Logger,
  tracing = new EventTracing(),
  admit?: Admit,
): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  const sink = {
    emit: (raw: RawEvent) => {
      const { event, id } = rawForBus(raw);
      const publish = (): Promise<void> => {
        if (!tracing.enabled) return bus.publish('raw', event, id);
        // The first span of the event's trace (or a child of the trace the event came with).
        const attributes = { 'tapio.event.source': event.source, 'tapio.event.type': event.type, 'messaging.system': 'tapio', 'messaging.destination.name': 'raw', 'messaging.message.id': id };
        return tracing.span('tapio.collect', 'producer', undefined, attributes, () => bus.publish('raw', event, id, tracing.headers()), event);
      };
      return admit ? admit(event, publish) : publish();
    },
  };
  await Promise.all(
    collectors.map(async (collector) => {
      try {
        await collector.start(sink);
        logger.info({ collector: collector.id }, 'collector started');
      } catch (error) {
        const message = `collector "${collector.id}" failed to start: ${(error as Error).message}`;
        failures.set(collector.id, message);
        logger.error({ collector: collector.id, err: error }, message);
      }
    }),
  );
  return failures;
}

/**
 * raw → pipeline → unified. A rejected RawEvent is dead-lettered by the pipeline and
 * acknowledged. The delivery's id is the RawEvent's id (startCollectors publishes it so):
 * the pipeline derives the event ids from it without digesting the RawEvent again. With a
 * state keeper, the transformers' state changes are written after the events are stored,
 * and the handler resolves (the RawEvent is acknowledged) only once both are durable.
 */
export function transformHandler(pipeline: Pipeline, bus: EventBus, tracing = new EventTracing(), state?: TransformerStateKeeper): (raw: RawEvent, delivery?: BusDelivery) => Promise<void> {
  const transform = async (raw: RawEvent, delivery?: BusDelivery): Promise<void> => {
    const result = pipeline.transform(raw, undefined, delivery?.id, delivery?.position);
    const taken = state?.take();
    if (!result.ok) return taken ? state?.write(taken) : undefined;
    // Published together, before the first await: with overlapping handlers, the events of
    // one RawEvent stay together and in order, and RawEvents stay in delivery order.
    const headers = tracing.headers();
    await Promise.all(result.events.map((event) => bus.publish('unified', event, event.id, headers)));
    // The state after the events: a crash between the two leaves a state that does not know this RawEvent yet.
    if (taken) await state?.write(taken);
  };
  if (!tracing.enabled) return transform;
  return (raw, delivery) => tracing.span('tapio.transform', 'consumer', delivery?.headers, { 'tapio.event.source': raw.source, 'messaging.system': 'tapio', 'messaging.destination.name': 'raw', 'messaging.message.id': delivery?.id ?? '' }, () => transform(raw, delivery));
}

export function collectorHealth(collectors: readonly Collector[], failures: ReadonlyMap<string, string>): Record<string, ComponentHealth> {
  const health: Record<string, ComponentHealth> = {};
  for (const collector of collectors) {
    const failure = failures.get(collector.id);
    health[collector.id] = failure ? { status: 'down', reason: failure } : collector.health();
  }
  return health;
}
