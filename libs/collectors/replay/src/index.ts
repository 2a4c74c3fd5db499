export { ReplayCollector } from './replay-collector.js';
export type { ReplayOptions } from './replay-collector.js';
export { replayCollectorPlugin, ReplayConfig } from './plugin.js';
