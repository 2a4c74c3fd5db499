import type { KubeObject, WatchEvent } from './kube-object.js';

export interface ListPage {
  items: KubeObject[];
  /** The collection's resourceVersion: where a watch continues from. */
  resourceVersion: string;
  continueToken?: string;
}

export interface ListOptions {
  limit: number;
  continueToken?: string;
  signal: AbortSignal;
  /** Ask for metadata only (PartialObjectMetadataList): no spec, status or data reaches Tapio. */
  metadataOnly?: boolean;
}

export interface WatchOptions {
  resourceVersion: string;
  /** Asks the server to end the watch cleanly after this long (client-go does the same). */
  timeoutSeconds: number;
  signal: AbortSignal;
  /** Ask for metadata only (PartialObjectMetadata events). */
  metadataOnly?: boolean;
  /** Called once the server accepted the watch (before any event), so a recovery shows at once. */
  onOpen?: () => void;
}

/**
 * What an informer needs from the API server. Iterating a watch ends normally when the
 * server closes it cleanly or `signal` aborts, and throws a KubeApiError when it breaks.
 */
export interface KubeResourceApi {
  /** Where the API server is, for messages. */
  readonly server: string;
  list(path: string, options: ListOptions): Promise<ListPage>;
  watch(path: string, options: WatchOptions): AsyncIterable<WatchEvent>;
}
