/** A Kubernetes object as JSON; only the fields the informers rely on are typed. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    managedFields?: unknown;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** One event of a watch stream, as the API server sends it. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

/** Identity of an object across its life: its uid, else namespace/name. */
export function objectKey(object: KubeObject): string {
  const metadata = object.metadata ?? {};
  return metadata.uid ?? `${metadata.namespace ?? ''}/${metadata.name ?? ''}`;
}

export function resourceVersionOf(object: KubeObject): string | undefined {
  return object.metadata?.resourceVersion;
}

export function isKubeObject(value: unknown): value is KubeObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
