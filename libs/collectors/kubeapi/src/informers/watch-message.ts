import { KubeApiError } from './kube-api-error.js';
import { isKubeObject, type WatchEvent } from './kube-object.js';

/** Parses one watch-stream message; a malformed one is a protocol error naming the stream. */
export function parseWatchEvent(what: string, text: string): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KubeApiError('protocol', `${what}: watch message is not JSON (${(error as Error).message})`);
  }
  if (!isKubeObject(parsed) || typeof parsed['type'] !== 'string' || !isKubeObject(parsed['object'])) {
    throw new KubeApiError('protocol', `${what}: watch message has no type/object`);
  }
  return parsed as unknown as WatchEvent;
}
