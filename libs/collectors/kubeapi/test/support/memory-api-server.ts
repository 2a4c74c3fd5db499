import type { KubeResourceApi, ListOptions, ListPage, WatchOptions } from '../../src/informers/kube-api.js';
import { KubeApiError } from '../../src/informers/kube-api-error.js';
import type { KubeObject, WatchEvent } from '../../src/informers/kube-object.js';

interface Watcher {
  push(event: WatchEvent): void;
  end(error?: unknown): void;
}

/**
 * An in-process stand-in for one API server collection, for the informer's unit tests:
 * it can do what fabric8's mock cannot (expire resource versions with 410 Gone, send
 * bookmarks, fail a list with a given status). Lists, like the real server's, omit
 * kind/apiVersion on items.
 */
export class MemoryApiServer implements KubeResourceApi {
  readonly server = 'memory://api';
  private readonly objects = new Map<string, KubeObject>();
  private readonly log: { version: number; event: WatchEvent }[] = [];
  private readonly watchers = new Set<Watcher>();
  private version = 0;
  /** Watches from a version below this get `410 Gone`. */
  expiredBefore = 0;
  /** Errors the next list calls throw, in order. */
  readonly listFailures: KubeApiError[] = [];
  /** Errors the next watch calls throw before sending anything (a refused connection). */
  readonly watchFailures: KubeApiError[] = [];
  readonly listCalls: ListOptions[] = [];
  readonly watchCalls: string[] = [];

  put(object: KubeObject): KubeObject {
    const uid = object.metadata?.uid as string;
    const type = this.objects.has(uid) ? 'MODIFIED' : 'ADDED';
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String((this.version += 1)) } };
    this.objects.set(uid, stored);
    this.publish({ type, object: stored });
    return stored;
  }

  remove(uid: string): void {
    const last = this.objects.get(uid);
    if (!last) throw new Error(`no object ${uid}`);
    this.objects.delete(uid);
    this.publish({ type: 'DELETED', object: { ...last, metadata: { ...last.metadata, resourceVersion: String((this.version += 1)) } } });
  }

  /** Changes state without any watcher or later watch seeing it, as if the events were compacted away. */
  silently(change: () => void): void {
    const watchers = [...this.watchers];
    this.watchers.clear();
    const logLength = this.log.length;
    change();
    this.log.splice(logLength);
    for (const watcher of watchers) this.watchers.add(watcher);
    this.expiredBefore = this.version + 1;
  }

  bookmark(): void {
    for (const watcher of this.watchers) watcher.push({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.version) } } });
  }

  /** Sends an event to the open watches without changing state (a server replaying what it already sent). */
  replay(event: WatchEvent): void {
    for (const watcher of this.watchers) watcher.push(event);
  }

  sendError(code: number, message: string): void {
    for (const watcher of this.watchers) watcher.push({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', code, message } as KubeObject });
  }

  /** Ends every open watch: cleanly (the server's timeout) or with an error (a broken connection). */
  endWatches(error?: unknown): void {
    for (const watcher of this.watchers) watcher.end(error);
    this.watchers.clear();
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  async list(_path: string, options: ListOptions): Promise<ListPage> {
    this.listCalls.push(options);
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    const all = [...this.objects.values()].map(({ kind: _kind, apiVersion: _apiVersion, ...item }) => item as KubeObject);
    const offset = options.continueToken ? Number(options.continueToken) : 0;
    const page: ListPage = { items: all.slice(offset, offset + options.limit), resourceVersion: String(this.version) };
    if (offset + options.limit < all.length) page.continueToken = String(offset + options.limit);
    return page;
  }

  async *watch(_path: string, options: WatchOptions): AsyncGenerator<WatchEvent> {
    this.watchCalls.push(options.resourceVersion);
    const refused = this.watchFailures.shift();
    if (refused) throw refused;
    const from = Number(options.resourceVersion);
    if (from < this.expiredBefore - 1) {
      yield { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', code: 410, reason: 'Expired', message: `too old resource version: ${from}` } as KubeObject };
      return;
    }
    options.onOpen?.();
    const queue: WatchEvent[] = this.log.filter((entry) => entry.version > from).map((entry) => entry.event);
    let wake: (() => void) | undefined;
    let ended = false;
    let failure: unknown;
    const watcher: Watcher = {
      push: (event) => {
        queue.push(event);
        wake?.();
      },
      end: (error) => {
        ended = true;
        failure = error;
        wake?.();
      },
    };
    this.watchers.add(watcher);
    const onAbort = (): void => watcher.end();
    options.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (ended) {
          if (failure !== undefined) throw failure;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.watchers.delete(watcher);
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  private publish(event: WatchEvent): void {
    this.log.push({ version: this.version, event });
    for (const watcher of this.watchers) watcher.push(event);
  }
}

export function unreachableError(): KubeApiError {
  return new KubeApiError('unreachable', 'list /api/v1/pods on memory://api: API server unreachable (ECONNRESET socket hang up)');
}
