// NATS JetStream event bus (level 3): the EventBus port on durable streams, for running
// Tapio's stages as separate processes (seed 001).
export { NatsEventBus } from './nats-event-bus.js';
export type { NatsEventBusDeps } from './nats-event-bus.js';
export type { NatsBusStats } from './bus-stats.js';
export { NatsBusOptions, NatsStreamSettings, NatsAuthOptions, NatsTlsOptions, DEFAULT_STREAMS } from './options.js';
export type { NatsBusOptionsInput } from './options.js';
export { BusOverflowError } from './publish-outcomes.js';
export { BusMetricsExporter } from './bus-metrics.js';
export { streamName } from './streams.js';
export { subjectFor, subjectToken, rawKindVerb, messagePartitionKey, partFilter, topicFilter, BROADCAST_TOKEN } from './subjects.js';
