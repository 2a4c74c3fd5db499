import type { Meter, Tracer } from '@opentelemetry/api';

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
  /** Exports what is buffered and stops the exporters. */
  shutdown(): Promise<void>;
}
