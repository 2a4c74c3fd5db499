import { hostname } from 'node:os';
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { Collector, ComponentHealth, DeadLetterSink, Logger, Metrics, RawEvent, RawEventSink } from '@tapio/domain';
import { silentLogger, StreamRestarts } from '@tapio/domain';
import { ContainerdClient, type Envelope } from '../client/containerd-client.js';
import { loadContainerdProtos, type ContainerdProtos } from '../client/containerd-protos.js';
import { workloadOf, WorkloadCache } from './container-labels.js';
import { CriCollectorConfig, type CriCollectorConfigInput } from './cri-config.js';
import { CRI_TOPICS, type CriEventData, type CriWorkload } from './cri-raw-data.js';

export interface CriCollectorDeps {
  logger?: Logger;
  deadLetters?: DeadLetterSink;
  /** Where the subscription circuit's state goes (tapio_circuit_state{circuit="collector:cri"}). */
  metrics?: Metrics;
}

export interface CriCollectorStats {
  received: number;
  emitted: number;
  ignored: number;
  deadLettered: number;
  connects: number;
}

const MAX_RETRY_MS = 30_000;
/** Envelopes waiting for Tapio before the gRPC stream is paused (backpressure). */
const HIGH_WATER = 256;

/**
 * The CRI (containerd) collector: subscribes to containerd's event stream over its gRPC API
 * (task OOM, exit, start; container create and delete; image events), decodes each event's
 * Any payload with containerd's own protos, attributes it to the pod and container through
 * the CRI labels on the container, and hands it to Tapio as a RawEvent of source `cri`.
 */
export class CriCollector implements Collector {
  readonly id = 'cri';
  readonly source = 'cri';
  private readonly config: CriCollectorConfig;
  private readonly logger: Logger;
  private readonly workloads: WorkloadCache;
  private readonly stats: CriCollectorStats = { received: 0, emitted: 0, ignored: 0, deadLettered: 0, connects: 0 };
  private protos: ContainerdProtos | undefined;
  private client: ContainerdClient | undefined;
  private stream: ClientReadableStream<Envelope> | undefined;
  private sink: RawEventSink | undefined;
  private running = false;
  private problem: string | undefined = 'not connected yet';
  private readonly restarts: StreamRestarts;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    config: CriCollectorConfigInput = {},
    private readonly deps: CriCollectorDeps = {},
  ) {
    this.config = CriCollectorConfig.parse(config);
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
    this.workloads = new WorkloadCache(this.config.labelCacheSize);
    this.restarts = new StreamRestarts({
      retryMs: this.config.retryMs,
      maxRetryMs: MAX_RETRY_MS,
      start: () => this.subscribe(),
      onError: (error) => this.logger.error({ err: error }, 'subscribing to containerd failed'),
      circuit: { name: 'collector:cri', target: `containerd at ${this.config.address}`, ...this.config.circuit, metrics: deps.metrics },
    });
  }

  get nodeName(): string {
    return this.config.nodeName ?? process.env['NODE_NAME'] ?? hostname();
  }

  get counters(): Readonly<CriCollectorStats> {
    return this.stats;
  }

  /** Resolves once subscribed, or once the first attempt failed (health says why; it keeps retrying). */
  async start(sink: RawEventSink): Promise<void> {
    if (this.running) return;
    this.protos = loadContainerdProtos(this.config.protoDir);
    this.client = new ContainerdClient(this.config.address, this.protos);
    this.sink = sink;
    this.running = true;
    await this.restarts.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.restarts.stop();
    this.stream?.cancel();
    this.stream = undefined;
    await this.chain;
    this.client?.close();
  }

  health(): ComponentHealth {
    if (!this.running) return { status: 'stopped' };
    return this.restarts.health(this.problem, { ...this.stats, address: this.config.address });
  }

  /** Subscribes to containerd's events; resolves with why it could not. */
  private async subscribe(): Promise<string | undefined> {
    const client = this.client as ContainerdClient;
    try {
      await client.waitForReady(Math.min(Math.max(this.config.retryMs, 1000), 5000));
    } catch (error) {
      return this.unreachable(`containerd unreachable at ${this.config.address}: ${(error as Error).message}`);
    }
    if (!this.running) return undefined;
    this.stats.connects++;
    const filters = this.config.namespaces.map((namespace) => `namespace==${namespace}`);
    const stream = client.subscribe(filters);
    this.stream = stream;
    stream.on('data', (envelope: Envelope) => this.enqueue(envelope));
    const broke = (reason: string) => {
      if (this.stream !== stream || !this.running) return;
      this.unreachable(reason);
      this.restarts.restartLater();
    };
    stream.on('error', (error: Error & { code?: number }) => broke(`containerd event stream from ${this.config.address} broke: ${error.message}`));
    stream.on('end', () => broke(`containerd at ${this.config.address} ended the event stream`));
    this.problem = undefined;
    this.restarts.ran();
    this.logger.info({ address: this.config.address, namespaces: this.config.namespaces }, 'subscribed to containerd events');
    return undefined;
  }

  /** Events published while disconnected are not replayed by containerd: the gap is logged. */
  private unreachable(reason: string): string {
    this.stream = undefined;
    if (this.problem !== reason) this.logger.warn({ address: this.config.address }, reason);
    this.problem = reason;
    return reason;
  }

  private enqueue(envelope: Envelope): void {
    this.stats.received++;
    this.queued++;
    const stream = this.stream;
    if (this.queued >= HIGH_WATER) stream?.pause();
    this.chain = this.chain
      .then(() => this.handle(envelope))
      .catch((error: unknown) => this.logger.error({ err: error, topic: envelope.topic }, 'containerd event handling failed'))
      .finally(() => {
        this.queued--;
        if (this.queued < HIGH_WATER / 2 && stream?.isPaused()) stream.resume();
      });
  }

  private async handle(envelope: Envelope): Promise<void> {
    const rawType = CRI_TOPICS[envelope.topic as keyof typeof CRI_TOPICS];
    const typeUrl = envelope.event?.type_url ?? '';
    let event: Record<string, unknown>;
    try {
      event = (this.protos as ContainerdProtos).decodeAny(typeUrl, envelope.event?.value ?? Buffer.alloc(0));
    } catch (error) {
      this.deadLetter(`containerd event on topic ${envelope.topic} cannot be decoded: ${(error as Error).message}`, envelope);
      return;
    }
    if (!rawType || (!this.config.images && rawType.startsWith('image_'))) {
      this.stats.ignored++;
      return;
    }
    // Exits of exec'd processes (kubectl exec, probes) are not the container's.
    if (rawType === 'task_exit' && event['id'] && event['id'] !== event['container_id']) {
      this.stats.ignored++;
      return;
    }
    const containerId = String(event['container_id'] ?? (rawType.startsWith('container_') ? event['id'] : '') ?? '');
    const workload = containerId ? await this.workload(envelope.namespace, containerId, rawType === 'container_delete') : undefined;
    const data: CriEventData = { node: this.nodeName, namespace: envelope.namespace, topic: envelope.topic, event, ...(workload ? { workload } : {}) };
    const metadata: Record<string, string> = { node: this.nodeName };
    if (workload?.podName && workload.podNamespace) Object.assign(metadata, { k8s_kind: 'Pod', k8s_name: workload.podName, k8s_namespace: workload.podNamespace, ...(workload.podUid ? { k8s_uid: workload.podUid } : {}) });
    const raw: RawEvent = { timestamp: envelopeTime(envelope), type: rawType, source: this.source, data, metadata };
    try {
      await (this.sink as RawEventSink).emit(raw);
      this.stats.emitted++;
    } catch (error) {
      this.logger.warn({ err: error, topic: envelope.topic }, 'containerd event refused by Tapio');
    }
  }

  private async workload(namespace: string, containerId: string, deleted: boolean): Promise<CriWorkload> {
    const key = `${namespace}/${containerId}`;
    const cached = this.workloads.get(key);
    if (cached || deleted) return cached ?? { containerId };
    try {
      const record = await (this.client as ContainerdClient).getContainer(namespace, containerId);
      const workload = record ? workloadOf(record) : { containerId };
      this.workloads.set(key, workload);
      return workload;
    } catch (error) {
      this.logger.debug({ err: error, containerId }, 'container labels not readable; event not attributed to a pod');
      return { containerId };
    }
  }

  private deadLetter(reason: string, envelope: Envelope): void {
    this.stats.deadLettered++;
    this.logger.warn({ reason }, 'containerd event dead-lettered');
    const payload = { namespace: envelope.namespace, topic: envelope.topic, typeUrl: envelope.event?.type_url ?? null, value: envelope.event?.value?.toString('base64') ?? null };
    this.deps.deadLetters?.put({ stage: 'decode', reason, source: this.source, origin: `collector:${this.id}`, at: new Date().toISOString(), payload });
  }
}

function envelopeTime(envelope: Envelope): string {
  const seconds = Number(envelope.timestamp?.seconds ?? Number.NaN);
  if (!Number.isFinite(seconds)) return new Date().toISOString();
  return new Date(seconds * 1000 + Math.floor((envelope.timestamp?.nanos ?? 0) / 1e6)).toISOString();
}
