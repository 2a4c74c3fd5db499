/** The loosely typed shape of a Kubernetes object as JSON, for reading fields safely. */
export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function arr(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((item) => item !== null && typeof item === 'object') as Json[]) : [];
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
  for (const [key, item] of Object.entries(value as Json)) if (typeof item === 'string') result[key] = item;
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
