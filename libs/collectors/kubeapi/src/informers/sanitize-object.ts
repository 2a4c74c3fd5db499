import { createHash } from 'node:crypto';
import type { KubeObject } from './kube-object.js';
import type { WatchedResource } from './watched-resources.js';

/** kubectl keeps the whole applied manifest here, Secret values included. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Makes an object ready to emit and to cache: drops `managedFields` (as kubectl does),
 * fills `kind`/`apiVersion` (list responses omit them on items) and, for Secrets,
 * replaces every value by a content hash so keys and rotations stay visible but no
 * secret is kept in memory or written anywhere. Returns a new object; the input is not changed.
 */
export function sanitizeObject(object: KubeObject, resource: WatchedResource): KubeObject {
  const { metadata, ...rest } = object;
  const cleaned: KubeObject = { ...rest, apiVersion: object.apiVersion ?? resource.apiVersion, kind: object.kind ?? resource.kind };
  if (metadata !== undefined) {
    const { managedFields: _managedFields, ...keptMetadata } = metadata;
    cleaned.metadata = keptMetadata;
  }
  // Keep apiVersion/kind first, as the API server writes them.
  const ordered: KubeObject = { apiVersion: cleaned.apiVersion, kind: cleaned.kind, ...cleaned };
  return resource.kind === 'Secret' && resource.apiVersion === 'v1' ? redactSecret(ordered) : ordered;
}

/** `sha256:<hex>` of a value's bytes; for `data` the decoded base64, so `data` and `stringData` of one value agree. */
export function contentHash(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function redactSecret(secret: KubeObject): KubeObject {
  const redacted: KubeObject = { ...secret };
  if (isStringMap(secret['data'])) {
    redacted['data'] = mapValues(secret['data'], (value) => contentHash(Buffer.from(value, 'base64')));
  }
  if (isStringMap(secret['stringData'])) {
    redacted['stringData'] = mapValues(secret['stringData'], (value) => contentHash(value));
  }
  const annotations = secret.metadata?.annotations;
  if (annotations !== undefined && typeof annotations[LAST_APPLIED] === 'string') {
    redacted.metadata = {
      ...secret.metadata,
      annotations: { ...annotations, [LAST_APPLIED]: contentHash(annotations[LAST_APPLIED]) },
    };
  }
  return redacted;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

function mapValues(map: Record<string, string>, transform: (value: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, transform(value)]));
}
