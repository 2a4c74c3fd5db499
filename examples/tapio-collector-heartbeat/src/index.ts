export { heartbeatPlugin } from './plugin.js';
export { HeartbeatCollector, osProbe } from './heartbeat-collector.js';
export type { HostProbe } from './heartbeat-collector.js';
export { HeartbeatTransformer } from './heartbeat-transformer.js';
export { HeartbeatConfig } from './heartbeat-config.js';
export { HeartbeatData, HEARTBEAT_SOURCE } from './heartbeat.js';
