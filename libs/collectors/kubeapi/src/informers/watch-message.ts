import { MAX_DEPTH_LIMIT, noteDepthFromText } from '@tapio/domain';
import { KubeApiError } from './kube-api-error.js';
import { isKubeObject, type WatchEvent } from './kube-object.js';

/**
 * Parses one watch-stream message; a malformed one is a protocol error naming the stream.
 * The object is noted with the nesting its text allows (depth-bound.ts): the pipeline's
 * input-limit check then takes that bound instead of walking every watch event's object.
 */
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
  // The message's own `{` is one of the brackets and not inside the object.
  noteDepthFromText(parsed['object'], text, MAX_DEPTH_LIMIT, 1);
  return parsed as unknown as WatchEvent;
}
