import { silentLogger, systemClock, type Clock, type Collector, type ComponentHealth, type Logger, type RawEvent, type RawEventSink } from '@tapio/domain';
import { DEFAULT_BACKOFF } from '../informers/backoff.js';
import type { KubeResourceApi } from '../informers/kube-api.js';
import { KubeApiClient } from '../informers/kube-api-client.js';
import { loadKubeConfig } from '../informers/kube-connection.js';
import type { KubeObject } from '../informers/kube-object.js';
import { ResourceInformer, type ChangeType, type DeliveryPhase, type InformerStatus } from '../informers/resource-informer.js';
import { METADATA_ONLY, sanitizerFor, type SecretReading } from '../informers/sanitize-object.js';
import { resolveWatchedResources } from '../informers/watched-resources.js';
import { PodIndex } from '../index-port/pod-index.js';
import { KubeApiCollectorConfig, type KubeApiCollectorConfigInput } from './kubeapi-config.js';
import { namespaceFilter } from './namespace-filter.js';
import { rawKubeEvent } from './raw-kube-event.js';
import { hmacFingerprint, loadFingerprintKey } from './secret-fingerprint.js';

export interface KubeApiCollectorDeps {
  logger?: Logger;
  clock?: Clock;
  /** The pod index to keep current; by default the collector makes its own (see `index`). */
  index?: PodIndex;
  /** API access; by default built from the config's kubeconfig / in-cluster account. */
  api?: KubeResourceApi;
}

/**
 * A sink that wants to know which events are the starting state (the objects of each
 * informer's first list) and which are changes: the recorder gives the starting state
 * one timestamp.
 */
export interface PhaseAwareSink extends RawEventSink {
  emitObserved(event: RawEvent, phase: DeliveryPhase): Promise<void>;
}

function isPhaseAware(sink: RawEventSink): sink is PhaseAwareSink {
  return typeof (sink as Partial<PhaseAwareSink>).emitObserved === 'function';
}

/**
 * The Kubernetes API collector: one informer per watched resource, each emitting its
 * changes as `kubeapi` RawEvents. `start` returns at once; the initial sync and any
 * retries against an unreachable or forbidden API server run in the background and show
 * in `health()`.
 */
export class KubeApiCollector implements Collector {
  readonly id: string;
  readonly source = 'kubeapi';
  /** Container id / pod UID / pod IP / node -> pod, for the kernel, DNS and CRI collectors. */
  readonly index: PodIndex;
  private readonly config: KubeApiCollectorConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private informers: ResourceInformer[] = [];
  private runs: Promise<void>[] = [];
  private aborts: AbortController[] = [];
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private emitted = 0;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(
    config: KubeApiCollectorConfigInput,
    private readonly deps: KubeApiCollectorDeps = {},
  ) {
    this.config = KubeApiCollectorConfig.parse(config);
    // Fail at construction on unknown kinds, naming them.
    resolveWatchedResources(this.config.kinds);
    this.id = `kubeapi:${this.config.cluster}`;
    this.logger = (deps.logger ?? silentLogger).child({ collector: this.id });
    this.clock = deps.clock ?? systemClock;
    this.index = deps.index ?? new PodIndex(this.config.cluster);
  }

  async start(sink: RawEventSink): Promise<void> {
    if (this.state === 'running') throw new Error(`${this.id} is already running`);
    const api = this.deps.api ?? new KubeApiClient(loadKubeConfig(this.config), this.config.watchTransport);
    // One controller per informer: a single shared signal would collect more listeners
    // than Node's leak warning allows.
    const aborts = resolveWatchedResources(this.config.kinds).map(() => new AbortController());
    this.aborts = aborts;
    const accepts = namespaceFilter(this.config.namespaces.include, this.config.namespaces.exclude);
    const secrets = this.secretReading();
    const sanitize = sanitizerFor(secrets);
    const deliver = async (type: ChangeType, object: KubeObject, phase: DeliveryPhase): Promise<void> => {
      this.index.apply(type, object);
      const event = rawKubeEvent(type, object, this.config.cluster, this.clock.now());
      await (isPhaseAware(sink) ? sink.emitObserved(event, phase) : sink.emit(event));
      this.emitted += 1;
    };
    this.informers = resolveWatchedResources(this.config.kinds).map(
      (resource) =>
        new ResourceInformer({
          resource,
          api,
          deliver,
          accepts,
          sanitize,
          metadataOnly: secrets.metadataOnly && resource.kind === 'Secret' && resource.apiVersion === 'v1',
          backoff: { ...DEFAULT_BACKOFF, ...this.config.backoff },
          listPageSize: this.config.listPageSize,
          watchTimeoutSeconds: this.config.watchTimeoutSeconds,
          logger: this.logger,
          onStatus: () => this.notifySynced(),
        }),
    );
    this.state = 'running';
    this.logger.info({ server: api.server, kinds: this.informers.length }, 'kubeapi collector starting');
    // Not awaited: an API server that is down must not hold up the other collectors.
    this.runs = this.informers.map((informer, index) => informer.run((aborts[index] as AbortController).signal));
  }

  /** Metadata only, unless fingerprints are opted in (then the key must load, or start fails naming it). */
  private secretReading(): SecretReading {
    const { read, fingerprintKey } = this.config.secrets;
    if (read === 'metadata' || fingerprintKey === undefined) return METADATA_ONLY;
    return { metadataOnly: false, fingerprint: hmacFingerprint(loadFingerprintKey(fingerprintKey)) };
  }

  /** Resolves once every informer has delivered its initial list (or the collector stopped). */
  synced(): Promise<void> {
    if (this.state === 'stopped' || this.allSynced()) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    for (const abort of this.aborts) abort.abort();
    await Promise.all(this.runs);
    this.releaseSyncWaiters();
    this.logger.info({ emitted: this.emitted }, 'kubeapi collector stopped');
  }

  health(): ComponentHealth {
    if (this.state !== 'running') return { status: 'stopped' };
    const statuses = this.informers.map((informer) => informer.snapshot());
    const failing = statuses.filter((status) => status.error !== undefined);
    const details = {
      kinds: statuses.length,
      synced: statuses.filter((status) => status.synced).length,
      objects: statuses.reduce((sum, status) => sum + status.objects, 0),
      emitted: this.emitted,
      failing: failing.length,
    };
    if (failing.length > 0) return { status: 'degraded', reason: failureSummary(failing, statuses.length), details };
    if (details.synced < details.kinds) return { status: 'starting', reason: 'initial list in progress', details };
    return { status: 'ok', details };
  }

  /** Per-resource informer state, for diagnostics. */
  informerStatuses(): InformerStatus[] {
    return this.informers.map((informer) => informer.snapshot());
  }

  private allSynced(): boolean {
    return this.informers.length > 0 && this.informers.every((informer) => informer.snapshot().synced);
  }

  private notifySynced(): void {
    if (this.allSynced()) this.releaseSyncWaiters();
  }

  private releaseSyncWaiters(): void {
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }
}

/** One line an operator can act on: the first failure in full, plus how many kinds fail. */
function failureSummary(failing: InformerStatus[], total: number): string {
  const first = failing[0] as InformerStatus & { error: NonNullable<InformerStatus['error']> };
  const others = failing.length > 1 ? ` (and ${failing.length - 1} more of ${total} kinds failing)` : '';
  return `${first.error.failure}: ${first.resource}: ${first.error.message}${others}`;
}
