export { ProcessingStage } from './processing-stage.js';
export type { ProcessingConfig } from './processing-stage.js';
export { StagePatternAdmin } from './stage-pattern-admin.js';
export type { PatternReloadResult } from './stage-pattern-admin.js';
export { startCollectors, transformHandler, collectorHealth } from './stages.js';
export { warmStart } from './warm-start.js';
export type { WarmStartEngine, WarmStartGraph, WarmStartOptions, WarmStartResult } from './warm-start.js';
export { EventTracing } from './tracing/event-tracing.js';
export type { EventTraceIds } from './tracing/event-tracing.js';
