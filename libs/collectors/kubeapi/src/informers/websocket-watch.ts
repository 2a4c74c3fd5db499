import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { EventChannel } from './event-channel.js';
import { errorFromStatus, KubeApiError, unreachable } from './kube-api-error.js';
import type { WatchEvent } from './kube-object.js';
import { parseWatchEvent } from './watch-message.js';

const PING_INTERVAL_MS = 15_000;

/**
 * A watch over the API server's WebSocket endpoint (one JSON event per text message).
 * A normal close (1000) ends the stream; anything else, a missed pong or silence longer
 * than `idleLimitMs`, throws so the informer relists.
 */
export async function* websocketWatch(config: KubeConfig, url: URL, signal: AbortSignal, idleLimitMs: number, accept?: string, onOpen?: () => void): AsyncGenerator<WatchEvent> {
  const what = `watch ${url.pathname} on ${url.origin}`;
  const target = new URL(url);
  target.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  // kube-apiserver serves watch WebSockets through golang.org/x/net/websocket's Handler,
  // which refuses a handshake without an Origin header.
  const options: WebSocket.ClientOptions = { origin: url.origin };
  await config.applyToHTTPSOptions(options);
  if (accept !== undefined) options.headers = { ...options.headers, accept };
  if (signal.aborted) return;

  const socket = new WebSocket(target, options);
  const channel = new EventChannel<WatchEvent>({ pause: () => socket.pause(), resume: () => socket.resume() });
  let awaitingPong = false;
  let lastActivity = Date.now();
  const heartbeat = setInterval(() => {
    if (awaitingPong || Date.now() - lastActivity > idleLimitMs) {
      channel.end(new KubeApiError('unreachable', `${what}: connection presumed dead (no pong or data)`));
      socket.terminate();
      return;
    }
    if (socket.readyState === WebSocket.OPEN) {
      awaitingPong = true;
      socket.ping();
    }
  }, PING_INTERVAL_MS);
  heartbeat.unref();
  const stop = (): void => {
    channel.end();
    socket.terminate();
  };
  signal.addEventListener('abort', stop, { once: true });

  socket.on('open', () => onOpen?.());
  socket.on('pong', () => {
    awaitingPong = false;
  });
  socket.on('message', (data: WebSocket.RawData) => {
    lastActivity = Date.now();
    try {
      channel.push(parseWatchEvent(what, rawText(data)));
    } catch (error) {
      channel.end(error);
      socket.terminate();
    }
  });
  let handshakeRejected = false;
  socket.on('unexpected-response', (_request, response: IncomingMessage) => {
    handshakeRejected = true;
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => channel.end(errorFromStatus(what, response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
    response.on('error', (error) => channel.end(unreachable(what, error)));
  });
  socket.on('error', (error) => channel.end(unreachable(what, error)));
  socket.on('close', (code, reason) => {
    if (handshakeRejected) return; // the response handler reports the status
    if (code === 1000) channel.end();
    else channel.end(new KubeApiError('unreachable', `${what}: connection closed (code ${code}${reason.length ? `, ${reason.toString()}` : ''})`));
  });

  try {
    yield* channel;
  } finally {
    clearInterval(heartbeat);
    signal.removeEventListener('abort', stop);
    if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
