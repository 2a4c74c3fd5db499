import type { Meter, Tracer } from '@opentelemetry/api';
import type { PrometheusSource } from './prometheus-producer.js';

export interface TelemetryIdentity {
  version: string;
  /** The run mode of this process (all, collectors, transformer, correlation, api). */
  mode: string;
  cluster: string;
}

/** Tapio's OpenTelemetry SDK while it runs: the tracer and meter its parts use, and a shutdown that flushes. */
export interface Telemetry {
  tracer?: Tracer;
  meter?: Meter;
  /**
   * With metrics on: Prometheus families the meter has no instrument for (prom-client's
   * default process_* and nodejs_* metrics), read at every OTLP export and sent under the same names.
   */
  mirrorPrometheus?(source: PrometheusSource): void;
  /** Exports what is buffered and stops the exporters. */
  shutdown(): Promise<void>;
}
