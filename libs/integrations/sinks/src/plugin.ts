// The sinks' light entry (@tapio/sinks/plugin): the plugin descriptors and the sink
// settings Tapio reads, without the delivery (retries and circuit breaker, cockatiel),
// which the composition loads only when a sink is configured.
export { webhookSinkPlugin } from './webhook/plugin.js';
export { slackSinkPlugin } from './slack/plugin.js';
export { alertmanagerSinkPlugin } from './alertmanager/plugin.js';
export { SinkSettings, SinkRoute, SinkRetry, SinkCircuit, COMMON_SINK_KEYS, routeAccepts } from './delivery/sink-settings.js';
