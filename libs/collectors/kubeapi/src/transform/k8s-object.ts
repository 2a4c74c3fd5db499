/** The loosely typed shape of a Kubernetes object as JSON, for reading fields safely. */
export type Json = Record<string, unknown>;

/**
 * What `obj` gives for a field that is missing or not an object: one shared, frozen empty
 * object, not a new one per call (the transformer reads dozens of optional fields per watch
 * event). Frozen, so a caller writing to it fails loudly instead of changing every later read.
 */
const NO_OBJECT: Json = Object.freeze({}) as Json;
const NO_ITEMS: Json[] = Object.freeze([]) as unknown as Json[];

export function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : NO_OBJECT;
}

/** The object items of a list (read-only: the list itself when all of them are, as they are in every API server's JSON). */
export function arr(value: unknown): Json[] {
  if (!Array.isArray(value)) return NO_ITEMS;
  for (let index = 0; index < value.length; index += 1) {
    const item: unknown = value[index];
    if (item === null || typeof item !== 'object') return value.filter((each) => each !== null && typeof each === 'object') as Json[];
  }
  return value as Json[];
}

/** Init containers, then containers: without copying both lists into a new one when there are no init containers. */
export function containersOf(spec: Json): Json[] {
  const init = arr(spec['initContainers']);
  const containers = arr(spec['containers']);
  return init.length === 0 ? containers : [...init, ...containers];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function strMap(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const result: Record<string, string> = {};
  // for-in, not Object.entries: the same keys in the same order (a parsed object has no inherited enumerable keys), no pair arrays.
  const source = value as Json;
  for (const key in source) {
    const item = source[key];
    if (typeof item === 'string') result[key] = item;
  }
  return result;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Json;
}

export interface ObjectMeta {
  kind: string;
  apiVersion: string | undefined;
  name: string;
  namespace: string | undefined;
  uid: string;
  resourceVersion: string | undefined;
}

/** Reads and checks the watch envelope; throws a message naming the missing field. */
export function readWatchEvent(data: unknown): WatchEvent {
  const envelope = obj(data);
  const type = envelope['type'];
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED' && type !== 'BOOKMARK' && type !== 'ERROR') {
    throw new Error(`kubeapi: data.type must be ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, got ${JSON.stringify(type)}`);
  }
  const object = envelope['object'];
  if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new Error('kubeapi: data.object must be an object');
  return { type, object: object as Json };
}

export function readMeta(object: Json): ObjectMeta {
  const metadata = obj(object['metadata']);
  const kind = str(object['kind']);
  const name = str(metadata['name']);
  if (!kind) throw new Error('kubeapi: data.object.kind is missing');
  if (!name) throw new Error(`kubeapi: data.object.metadata.name is missing (kind ${kind})`);
  const uid = str(metadata['uid']) ?? `${kind}/${str(metadata['namespace']) ?? ''}/${name}`;
  return {
    kind,
    apiVersion: str(object['apiVersion']),
    name,
    namespace: str(metadata['namespace']),
    uid,
    resourceVersion: str(metadata['resourceVersion']),
  };
}
