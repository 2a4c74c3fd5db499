import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { httpWatch } from './http-watch.js';
import type { KubeResourceApi, ListOptions, ListPage, WatchOptions } from './kube-api.js';
import { errorFromStatus, KubeApiError, unreachable } from './kube-api-error.js';
import { isKubeObject, type KubeObject, type WatchEvent } from './kube-object.js';
import { websocketWatch } from './websocket-watch.js';

/**
 * How watches travel: `http` is the API server's usual chunked stream (what kubectl and
 * client-go use); `websocket` is the API server's WebSocket watch, which is also the only
 * one some servers offer (fabric8's mock server in CRUD mode).
 */
export type WatchTransport = 'http' | 'websocket';

/**
 * The API server's metadata-only representations (the same a `kubectl get --show-kind`
 * metadata request or client-go's metadata informer uses). No fallback media type: a
 * server that cannot serve metadata answers 406 rather than sending whole objects.
 */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_WATCH_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** KubeResourceApi over HTTP(S), authenticated by @kubernetes/client-node from a KubeConfig. */
export class KubeApiClient implements KubeResourceApi {
  readonly server: string;

  constructor(
    private readonly config: KubeConfig,
    private readonly transport: WatchTransport = 'http',
  ) {
    const cluster = config.getCurrentCluster();
    if (cluster === null) throw new Error('kubeapi collector: the kubeconfig has no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** Authenticated request context (headers, TLS dispatcher) for a URL, from the kubeconfig's user. */
  async authenticate(url: URL): Promise<RequestContext> {
    const context = new RequestContext(url.toString(), HttpMethod.GET);
    await this.config.applySecurityAuthentication(context);
    return context;
  }

  async list(path: string, options: ListOptions): Promise<ListPage> {
    const url = new URL(this.server + path);
    url.searchParams.set('limit', String(options.limit));
    if (options.continueToken !== undefined) url.searchParams.set('continue', options.continueToken);
    const what = `list ${url.pathname} on ${this.server}`;
    const context = await this.authenticate(url);
    let body: string;
    let status: number;
    try {
      const headers = options.metadataOnly ? { ...context.getHeaders(), accept: METADATA_LIST_ACCEPT } : context.getHeaders();
      const response = await fetch(url, { headers, dispatcher: context.getDispatcher(), signal: options.signal });
      status = response.status;
      body = await response.text();
    } catch (error) {
      if (options.signal.aborted) throw new KubeApiError('unreachable', `${what}: aborted`, undefined, { cause: error });
      throw unreachable(what, error);
    }
    if (status !== 200) throw errorFromStatus(what, status, body);
    return parseListPage(what, body);
  }

  watch(path: string, options: WatchOptions): AsyncIterable<WatchEvent> {
    const url = new URL(this.server + path);
    url.searchParams.set('watch', 'true');
    url.searchParams.set('resourceVersion', options.resourceVersion);
    url.searchParams.set('allowWatchBookmarks', 'true');
    url.searchParams.set('timeoutSeconds', String(options.timeoutSeconds));
    // A connection silent for longer than the server-side timeout plus a margin is dead.
    const idleLimitMs = (options.timeoutSeconds + 30) * 1000;
    const accept = options.metadataOnly ? METADATA_WATCH_ACCEPT : undefined;
    if (this.transport === 'websocket') return websocketWatch(this.config, url, options.signal, idleLimitMs, accept, options.onOpen);
    return httpWatch((target) => this.authenticate(target), url, options.signal, idleLimitMs, accept, options.onOpen);
  }
}

function parseListPage(what: string, body: string): ListPage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new KubeApiError('protocol', `${what}: response is not JSON (${(error as Error).message})`);
  }
  // An empty PartialObjectMetadataList (metadata-only Secrets, no Secret in the cluster)
  // comes from the real API server as `"items": null`: Go encodes its nil slice so.
  if (!isKubeObject(parsed) || !(Array.isArray(parsed['items']) || parsed['items'] === null)) {
    throw new KubeApiError('protocol', `${what}: response is not a list (no items array)`);
  }
  const metadata = (parsed['metadata'] ?? {}) as { resourceVersion?: unknown; continue?: unknown };
  const items = ((parsed['items'] ?? []) as unknown[]).filter(isKubeObject) as KubeObject[];
  const page: ListPage = { items, resourceVersion: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '' };
  if (typeof metadata.continue === 'string' && metadata.continue !== '') page.continueToken = metadata.continue;
  return page;
}
