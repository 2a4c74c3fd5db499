// The NATS bus's plugin entry (@tapio/nats/plugin): `bus.type: nats` in tapio.yaml. The
// NATS client libraries load only when the bus is registered.
import { DeadLetterSink, definePlugin, EventBus, Logger, Metrics, StateStore } from '@tapio/domain';
import { NatsBusOptions } from './options.js';

/** The EventBus on NATS JetStream: durable streams shared by Tapio's processes. */
export const natsBusPlugin = definePlugin({
  id: 'nats',
  kind: 'bus',
  description: 'NATS JetStream event bus: durable streams for running the stages as separate processes',
  needs: { deadLetters: DeadLetterSink, logger: Logger, metrics: Metrics },
  provides: [EventBus, StateStore],
  configSchema: NatsBusOptions,
  register: async ({ deps, config }) => {
    const [{ NatsEventBus }, { NatsStateStore }] = await Promise.all([import('./nats-event-bus.js'), import('./nats-state-store.js')]);
    return {
      provides: [
        { token: EventBus, value: new NatsEventBus(config, { deadLetters: deps.deadLetters, logger: deps.logger, metrics: deps.metrics }) },
        // The transformer's previous versions, durable beside the streams (connects when first used).
        { token: StateStore, value: new NatsStateStore(config, deps.logger.child({ component: 'state' })) },
      ],
    };
  },
});
