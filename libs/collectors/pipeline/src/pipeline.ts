import {
  DEFAULT_CLUSTER,
  DEFAULT_INPUT_LIMITS,
  ORIGIN_METADATA_KEY,
  lineTooLong,
  rawEventLimitViolation,
  RawEvent,
  UnifiedEvent,
  entityFromContext,
  silentLogger,
  systemClock,
  type Clock,
  type DeadLetter,
  type DeadLetterSink,
  type InputLimits,
  type K8sContext,
  type Logger,
  type Metrics,
  type RawEventTransformer,
  type ResourceNode,
  type TransformContext,
} from '@tapio/domain';
import { derivedEventId, rawEventId } from './event-id.js';
import { k8sContextFromMetadata } from './k8s-metadata.js';

export interface PipelineOptions {
  transformers: readonly RawEventTransformer[];
  deadLetters: DeadLetterSink;
  /** Cluster name for events whose collector did not stamp one. */
  cluster?: string;
  metrics?: Metrics;
  logger?: Logger;
  clock?: Clock;
  /** Validate every UnifiedEvent a transformer produces against the schema (default true). */
  validateOutput?: boolean;
  /**
   * Transformers whose output is proven valid by their own tests (the built-in ones):
   * their events skip schema validation, which would otherwise be half the cost of
   * the hot path. Plugin transformers are never listed here, so their output is checked.
   */
  trusted?: readonly RawEventTransformer[];
  /** Size, nesting, label and clock-skew limits every RawEvent is checked against first. */
  limits?: InputLimits;
}

export type PipelineResult =
  | { ok: true; rawId: string; raw: RawEvent; events: UnifiedEvent[] }
  | { ok: false; reason: string; stage: DeadLetter['stage'] };

/**
 * A transformed RawEvent. A class with `rawId` on its prototype, not an object literal with a
 * getter: a literal with an accessor is built by a runtime call on every event (a tenth of
 * `transform`'s own time in a profile); the id is still digested only when someone reads it.
 */
class Accepted {
  readonly ok = true as const;
  constructor(
    readonly raw: RawEvent,
    readonly events: UnifiedEvent[],
    private readonly idOf: () => string,
  ) {}

  get rawId(): string {
    return this.idOf();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * RawEvent → UnifiedEvent: validate, pick the transformer for the source, transform,
 * enrich with the standard Kubernetes metadata keys and trace context. Never throws
 * for bad input: a reject is counted and kept in the dead-letter sink with its reason.
 */
export class Pipeline {
  private readonly bySource = new Map<string, RawEventTransformer>();
  private readonly cluster: string;
  private readonly deadLetters: DeadLetterSink;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly validateOutput: boolean;
  private readonly trusted: ReadonlySet<RawEventTransformer>;
  private readonly limits: InputLimits;
  private lastNow = Number.NaN;
  private lastNowIso = '';
  private readonly counters: { accepted: number; produced: number; rejected: Record<DeadLetter['stage'], number> } = {
    accepted: 0,
    produced: 0,
    rejected: { decode: 0, validate: 0, transform: 0, process: 0, store: 0 },
  };
  private readonly metrics: {
    accepted?: ReturnType<Metrics['counter']>;
    rejected?: ReturnType<Metrics['counter']>;
    produced?: ReturnType<Metrics['counter']>;
  } = {};

  constructor(options: PipelineOptions) {
    for (const transformer of options.transformers) {
      for (const source of transformer.sources) {
        if (this.bySource.has(source)) throw new Error(`two transformers claim RawEvent source "${source}"`);
        this.bySource.set(source, transformer);
      }
    }
    this.cluster = options.cluster ?? DEFAULT_CLUSTER;
    this.deadLetters = options.deadLetters;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.validateOutput = options.validateOutput ?? true;
    this.trusted = new Set(options.trusted ?? []);
    this.limits = options.limits ?? DEFAULT_INPUT_LIMITS;
    if (options.metrics) {
      this.metrics.accepted = options.metrics.counter('tapio_pipeline_raw_accepted_total', 'RawEvents accepted by the pipeline, by source', ['source']);
      this.metrics.rejected = options.metrics.counter('tapio_pipeline_rejected_total', 'Inputs rejected and dead-lettered, by stage and source', ['stage', 'source']);
      this.metrics.produced = options.metrics.counter('tapio_pipeline_unified_produced_total', 'UnifiedEvents produced, by type', ['type']);
    }
  }

  /** Wall-clock processing time, ISO; formatted once per millisecond, not once per event. */
  private processedAt(): string {
    const now = this.clock.now();
    if (now !== this.lastNow) {
      this.lastNow = now;
      this.lastNowIso = new Date(now).toISOString();
    }
    return this.lastNowIso;
  }

  sources(): string[] {
    return [...this.bySource.keys()];
  }

  /** Hands stored resources to every stateful transformer (see RawEventTransformer.remember). */
  remember(resources: readonly ResourceNode[]): void {
    for (const transformer of new Set(this.bySource.values())) transformer.remember?.(resources);
  }

  stats(): { accepted: number; produced: number; rejected: Record<DeadLetter['stage'], number> } {
    return { accepted: this.counters.accepted, produced: this.counters.produced, rejected: { ...this.counters.rejected } };
  }

  /** Parses one NDJSON line and processes it; `origin` names where it came from (file:line). */
  processLine(line: string, origin?: string): PipelineResult {
    const bytes = lineTooLong(line, this.limits.maxLineBytes);
    if (bytes !== undefined) {
      return this.reject('decode', `line of ${bytes} bytes is longer than the limit of ${this.limits.maxLineBytes} (limits.maxLineBytes)`, line.slice(0, 1024), undefined, origin);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      return this.reject('decode', `not JSON: ${(error as Error).message}`, line, undefined, origin);
    }
    return this.process(parsed, origin);
  }

  process(input: unknown, origin?: string): PipelineResult {
    const validated = RawEvent.safeParse(input);
    if (!validated.success) {
      const source = (input as { source?: unknown } | null)?.source;
      return this.reject('validate', `invalid RawEvent: ${describeIssues(validated.error)}`, input, typeof source === 'string' ? source : undefined, origin);
    }
    return this.transform(validated.data, origin);
  }

  /**
   * Transforms an already validated RawEvent (from a collector in this process). `knownId`:
   * its `rawEventId`, when the caller has it already (the raw topic's message id), so it is
   * not digested a second time. `position`: where it stands on a durable bus (TransformContext).
   */
  transform(raw: RawEvent, givenOrigin?: string, knownId?: string, position?: TransformContext['position']): PipelineResult {
    const origin = givenOrigin ?? raw.metadata[ORIGIN_METADATA_KEY];
    // First: everything after this (the content id, serialisation) recurses into the data.
    const violation = rawEventLimitViolation(raw, this.limits, this.clock.now());
    if (violation) return this.reject('validate', violation, raw, raw.source, origin);
    const transformer = this.bySource.get(raw.source);
    if (!transformer) {
      return this.reject('transform', `no transformer for source "${raw.source}" (known: ${this.sources().join(', ')})`, raw, raw.source, origin);
    }
    // Digested on first use: many watch events (a repeated Event's count bump) yield nothing and need no id.
    let rawId: string | undefined = knownId || undefined;
    const idOfRaw = () => (rawId ??= rawEventId(raw));
    const context: TransformContext = {
      eventId: (_raw, discriminator) => derivedEventId(idOfRaw(), discriminator),
      processedAt: this.processedAt(),
      cluster: raw.metadata['cluster'] ?? this.cluster,
      ...(position ? { position } : {}),
    };
    let events: UnifiedEvent[];
    try {
      events = transformer.transform(raw, context);
    } catch (error) {
      return this.reject('transform', errorMessage(error), raw, raw.source, origin);
    }
    // A third-party transformer is code we do not control: a wrong return value is its input's reject, not our crash.
    if (!Array.isArray(events)) {
      return this.reject('transform', `transformer for "${raw.source}" returned ${describeValue(events)} instead of a list of UnifiedEvents`, raw, raw.source, origin);
    }
    let metadataContext: K8sContext | undefined;
    try {
      metadataContext = k8sContextFromMetadata(raw.metadata);
    } catch (error) {
      return this.reject('transform', errorMessage(error), raw, raw.source, origin);
    }
    const validate = this.validateOutput && !this.trusted.has(transformer);
    for (let index = 0; index < events.length; index += 1) {
      const event = this.enrich(events[index] as UnifiedEvent, raw, context.cluster, metadataContext);
      if (validate) {
        const checked = UnifiedEvent.safeParse(event);
        if (!checked.success) {
          return this.reject('transform', `transformer for "${raw.source}" produced an invalid UnifiedEvent: ${describeIssues(checked.error)}`, raw, raw.source, origin);
        }
      }
      events[index] = event;
    }
    this.counters.accepted += 1;
    this.counters.produced += events.length;
    this.metrics.accepted?.inc({ source: raw.source });
    for (const event of events) this.metrics.produced?.inc({ type: event.type });
    return new Accepted(raw, events, idOfRaw);
  }

  /**
   * Completes an event with what the collector stamped (seed 001's k8s_* keys): a
   * missing context is taken whole; a context the transformer built for the same
   * object gets the uid, labels, owners and node it lacks.
   */
  private enrich(event: UnifiedEvent, raw: RawEvent, cluster: string, fromMetadata: K8sContext | undefined): UnifiedEvent {
    if (!event.k8sContext) {
      if (fromMetadata) event.k8sContext = { cluster, ...fromMetadata };
    } else {
      const context = event.k8sContext;
      if (fromMetadata && fromMetadata.kind === context.kind && fromMetadata.name === context.name) {
        if (context.uid === undefined && fromMetadata.uid !== undefined) context.uid = fromMetadata.uid;
        if (context.labels === undefined && fromMetadata.labels !== undefined) context.labels = fromMetadata.labels;
        if (context.ownerReferences === undefined && fromMetadata.ownerReferences !== undefined) context.ownerReferences = fromMetadata.ownerReferences;
        if (context.nodeName === undefined && fromMetadata.nodeName !== undefined) context.nodeName = fromMetadata.nodeName;
      }
      if (!context.cluster) context.cluster = cluster;
    }
    if (!event.entity && event.k8sContext) event.entity = entityFromContext(event.k8sContext);
    if (event.entity && !event.entity.cluster) event.entity.cluster = cluster;
    if (!event.traceContext && raw.traceId) {
      event.traceContext = { traceId: raw.traceId, ...(raw.spanId ? { spanId: raw.spanId } : {}) };
    }
    return event;
  }

  private reject(stage: DeadLetter['stage'], reason: string, payload: unknown, source: string | undefined, origin: string | undefined): PipelineResult {
    this.counters.rejected[stage] += 1;
    this.metrics.rejected?.inc({ stage, source: source ?? 'unknown' });
    this.deadLetters.put({
      stage,
      reason,
      at: new Date(this.clock.now()).toISOString(),
      payload,
      ...(source ? { source } : {}),
      ...(origin ? { origin } : {}),
    });
    this.logger.warn({ stage, reason, source, origin }, 'event rejected');
    return { ok: false, reason, stage };
  }
}
