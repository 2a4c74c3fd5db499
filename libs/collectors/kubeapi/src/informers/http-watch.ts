import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { RequestContext } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { errorFromStatus, KubeApiError, unreachable } from './kube-api-error.js';
import type { WatchEvent } from './kube-object.js';
import { parseWatchEvent } from './watch-message.js';

/**
 * A watch over the API server's chunked HTTP stream (one JSON event per line). Reading
 * is pulled by the consumer, so a slow consumer applies TCP backpressure. Ends when the
 * server closes the stream (timeoutSeconds) or `signal` aborts; throws when it breaks or
 * stays silent longer than `idleLimitMs`.
 */
export async function* httpWatch(
  authenticate: (url: URL) => Promise<RequestContext>,
  url: URL,
  signal: AbortSignal,
  idleLimitMs: number,
  accept?: string,
  onOpen?: () => void,
): AsyncGenerator<WatchEvent> {
  const what = `watch ${url.pathname} on ${url.origin}`;
  const connection = new AbortController();
  const stopOnAbort = (): void => connection.abort();
  signal.addEventListener('abort', stopOnAbort, { once: true });
  let idle = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let input: Readable | undefined;
  const armIdleTimer = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idle = true;
      connection.abort();
    }, idleLimitMs);
    idleTimer.unref();
  };
  try {
    const context = await authenticate(url);
    armIdleTimer();
    let response;
    try {
      const headers = accept === undefined ? context.getHeaders() : { ...context.getHeaders(), accept };
      response = await fetch(url, { headers, dispatcher: context.getDispatcher(), signal: connection.signal });
    } catch (error) {
      if (signal.aborted) return;
      throw unreachable(what, error);
    }
    if (response.status !== 200 || response.body === null) {
      throw errorFromStatus(what, response.status, await response.text());
    }
    onOpen?.();
    input = Readable.fromWeb(response.body);
    const lines = createInterface({ input, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        armIdleTimer();
        if (line.trim() === '') continue;
        yield parseWatchEvent(what, line);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof KubeApiError) throw error;
      if (idle) throw new KubeApiError('unreachable', `${what}: no data for ${idleLimitMs} ms, connection presumed dead`);
      throw unreachable(what, error);
    }
    if (idle) throw new KubeApiError('unreachable', `${what}: no data for ${idleLimitMs} ms, connection presumed dead`);
  } finally {
    clearTimeout(idleTimer);
    signal.removeEventListener('abort', stopOnAbort);
    // Closing the connection errors the body stream with an AbortError nobody reads any more.
    input?.on('error', () => undefined);
    connection.abort();
    input?.destroy();
  }
}
