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
}

export interface WatchOptions {
  resourceVersion: string;
  /** Asks the server to end the watch cleanly after this long (client-go does the same). */
  timeoutSeconds: number;
  signal: AbortSignal;
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
