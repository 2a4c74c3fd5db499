export interface ReceivedSpan {
  traceId: string;
  /** Empty for a root span. */
  parentId: string;
  spanId: string;
  name: string;
  /** Producer, Consumer, Server... as the debug exporter prints it. */
  kind: string;
  resource: Record<string, string>;
  attributes: Record<string, string>;
}

export interface OtelcolHandle {
  /** OTLP/HTTP base URL (traces at /v1/traces, metrics at /v1/metrics). */
  readonly endpoint: string;
  readonly pid: number | undefined;
  /** Everything the collector printed, for failure messages. */
  output(): string;
  /** The spans and metric names it received so far. */
  received(): { spans: ReceivedSpan[]; metrics: string[] };
  stop(): Promise<void>;
}

/** Path of the built collector; throws naming the set-up step when it is missing. */
export function otelcolBinary(): string;
export function parseDebugOutput(text: string): { spans: ReceivedSpan[]; metrics: string[] };
export function startOtelcol(): Promise<OtelcolHandle>;
