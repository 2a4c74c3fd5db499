import type { Logger } from '@tapio/domain';
import { Backoff, sleep, type BackoffPolicy } from './backoff.js';
import type { KubeResourceApi } from './kube-api.js';
import { failureOfStatus, KubeApiError, type KubeApiFailure } from './kube-api-error.js';
import { objectKey, resourceVersionOf, type KubeObject, type WatchEvent } from './kube-object.js';
import { sanitizeObject, type SanitizeObject } from './sanitize-object.js';
import { collectionPath, type WatchedResource } from './watched-resources.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * `initial`: an object of the informer's first list (the starting state); `change`:
 * everything after it, relists included.
 */
export type DeliveryPhase = 'initial' | 'change';

export interface InformerOptions {
  resource: WatchedResource;
  api: KubeResourceApi;
  /** Receives every change, in order; awaiting it is the backpressure. A rejection makes the informer relist. */
  deliver(type: ChangeType, object: KubeObject, phase: DeliveryPhase): Promise<void>;
  /** Turns what the server sent into what is cached and emitted (default: sanitizeObject, Secrets metadata-only). */
  sanitize?: SanitizeObject;
  /** Ask the server for metadata only (PartialObjectMetadata): how Secrets are read by default. */
  metadataOnly?: boolean;
  /** Namespace scoping: objects it rejects are neither cached nor delivered. */
  accepts(object: KubeObject): boolean;
  backoff: BackoffPolicy;
  listPageSize: number;
  watchTimeoutSeconds: number;
  logger: Logger;
  /** Called whenever the status below changes. */
  onStatus?(status: InformerStatus): void;
}

export interface InformerStatus {
  resource: string;
  /** True once a full list has been delivered. */
  synced: boolean;
  objects: number;
  resourceVersion: string;
  lists: number;
  watches: number;
  /** The failure the informer is currently retrying, if any. */
  error?: { failure: KubeApiFailure; message: string; since: number };
}

type WatchEnd = 'closed' | 'expired';

/** A change the sink refused: the informer relists so that it is delivered again. */
class DeliveryFailure extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original), { cause: original });
    this.name = 'DeliveryFailure';
  }
}

/**
 * List + watch of one resource with a cache of what was last delivered (client-go's
 * reflector, reduced to what Tapio needs). A watch that breaks resumes from the last
 * resourceVersion delivered, so the server replays exactly what was missed. When the
 * server no longer has that version (`410 Gone`, after a compaction or an API server
 * restart), or a list or delivery failed, the informer relists and diffs against its
 * cache, delivering ADDED / MODIFIED for what appeared or changed meanwhile and a
 * synthetic DELETED, with the last known state, for what vanished.
 */
export class ResourceInformer {
  private readonly cache = new Map<string, KubeObject>();
  private readonly backoff: Backoff;
  private readonly status: InformerStatus;
  private readonly path: string;
  private eventsInWatch = 0;
  private phase: DeliveryPhase = 'initial';
  private readonly sanitize: SanitizeObject;

  constructor(private readonly options: InformerOptions) {
    this.backoff = new Backoff(options.backoff);
    this.path = collectionPath(options.resource);
    this.sanitize = options.sanitize ?? sanitizeObject;
    this.status = { resource: options.resource.id, synced: false, objects: 0, resourceVersion: '', lists: 0, watches: 0 };
  }

  snapshot(): InformerStatus {
    return { ...this.status, objects: this.cache.size };
  }

  /** Runs until `signal` aborts; never throws (failures are retried with backoff and reported in the status). */
  async run(signal: AbortSignal): Promise<void> {
    let needsList = true;
    while (!signal.aborted) {
      try {
        if (needsList) {
          await this.relist(signal);
          needsList = false;
        }
        if (signal.aborted) break;
        const end = await this.watch(signal);
        // A clean close just means the server's timeout passed: continue from where we are.
        needsList = end === 'expired';
        // A watch that expires before yielding anything would otherwise relist in a tight loop.
        if (end === 'expired' && this.eventsInWatch === 0) {
          await sleep(this.backoff.nextDelayMs(), signal);
        }
      } catch (error) {
        if (signal.aborted) break;
        // A failed list stays to do; a broken watch resumes from its resourceVersion unless
        // the server said that version is gone or the sink refused a change.
        needsList = needsList || error instanceof DeliveryFailure || (error instanceof KubeApiError && error.failure === 'expired');
        this.recordFailure(error instanceof DeliveryFailure ? error.original : error);
        await sleep(this.backoff.nextDelayMs(), signal);
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const listed = new Map<string, KubeObject>();
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.options.api.list(this.path, { limit: this.options.listPageSize, continueToken, signal, metadataOnly: this.options.metadataOnly === true });
      // Every page of one list is the same snapshot; the first page names its version.
      if (resourceVersion === '') resourceVersion = page.resourceVersion;
      for (const item of page.items) {
        const object = this.sanitize(item, this.options.resource);
        if (this.options.accepts(object)) listed.set(objectKey(object), object);
      }
      continueToken = page.continueToken;
    } while (continueToken !== undefined && !signal.aborted);
    if (signal.aborted) return;

    this.phase = this.status.lists === 0 ? 'initial' : 'change';
    for (const [key, last] of [...this.cache]) {
      if (!listed.has(key)) await this.apply('DELETED', last, key);
    }
    for (const [key, object] of listed) {
      const known = this.cache.get(key);
      if (known === undefined) await this.apply('ADDED', object, key);
      else if (resourceVersionOf(known) !== resourceVersionOf(object)) await this.apply('MODIFIED', object, key);
    }
    this.phase = 'change';
    this.status.resourceVersion = resourceVersion;
    this.status.lists += 1;
    this.status.synced = true;
    this.succeeded();
  }

  private async watch(signal: AbortSignal): Promise<WatchEnd> {
    const events = this.options.api.watch(this.path, {
      resourceVersion: this.status.resourceVersion,
      timeoutSeconds: this.options.watchTimeoutSeconds,
      signal,
      metadataOnly: this.options.metadataOnly === true,
      onOpen: () => {
        if (this.status.error !== undefined) this.succeeded();
      },
    });
    this.status.watches += 1;
    this.eventsInWatch = 0;
    for await (const event of events) {
      if (event.type !== 'ERROR') this.eventsInWatch += 1;
      const end = await this.handle(event);
      if (end !== undefined) return end;
    }
    return 'closed';
  }

  private async handle(event: WatchEvent): Promise<WatchEnd | undefined> {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: unknown; message?: unknown };
      const code = typeof status.code === 'number' ? status.code : 0;
      if (code === 410) return 'expired';
      const message = typeof status.message === 'string' ? status.message : JSON.stringify(event.object);
      throw new KubeApiError(failureOfStatus(code), `watch ${this.path}: server reported error ${code} (${message})`, code);
    }
    const version = resourceVersionOf(event.object);
    if (event.type === 'BOOKMARK') {
      if (version !== undefined) this.status.resourceVersion = version;
      return undefined;
    }
    const object = this.sanitize(event.object, this.options.resource);
    const key = objectKey(object);
    if (this.options.accepts(object)) {
      const known = this.cache.get(key);
      if (event.type === 'DELETED') {
        await this.apply('DELETED', object, key);
      } else if (known !== undefined && resourceVersionOf(known) === version) {
        // Already delivered: a watch that replays state it was asked to skip (fabric8's mock
        // server replays everything as ADDED on each new watch).
      } else {
        // ADDED for an object we already hold is a change we have not seen yet.
        await this.apply(known === undefined ? event.type : 'MODIFIED', object, key);
      }
    }
    // Only after the delivery: a watch resumed from here must not skip an undelivered change.
    if (version !== undefined) this.status.resourceVersion = version;
    if (this.status.error !== undefined) this.succeeded();
    return undefined;
  }

  /** Delivers, then records: a delivery that fails is retried by the next relist. */
  private async apply(type: ChangeType, object: KubeObject, key: string): Promise<void> {
    try {
      await this.options.deliver(type, object, this.phase);
    } catch (error) {
      throw new DeliveryFailure(error);
    }
    if (type === 'DELETED') this.cache.delete(key);
    else this.cache.set(key, object);
  }

  private succeeded(): void {
    this.backoff.reset();
    const hadError = this.status.error !== undefined;
    delete this.status.error;
    if (hadError) this.options.logger.info({ resource: this.status.resource }, 'kubeapi informer recovered');
    this.options.onStatus?.(this.snapshot());
  }

  private recordFailure(error: unknown): void {
    const failure: KubeApiFailure = error instanceof KubeApiError ? error.failure : 'client';
    const message = error instanceof Error ? error.message : String(error);
    const since = this.status.error?.since ?? Date.now();
    const repeated = this.status.error?.message === message;
    this.status.error = { failure, message, since };
    if (!repeated) this.options.logger.warn({ resource: this.status.resource, failure, error: message }, 'kubeapi informer failing; retrying');
    this.options.onStatus?.(this.snapshot());
  }
}
