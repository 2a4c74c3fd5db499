export { TelemetryConfig, TELEMETRY_DEFAULTS } from './telemetry-config.js';
export { startTelemetry } from './start-telemetry.js';
export type { Telemetry, TelemetryIdentity } from './telemetry-types.js';
export { MirroredMetrics } from './mirrored-metrics.js';
export type { PrometheusFamily, PrometheusSource } from './prometheus-producer.js';
