import { knownDepthBound, noteDepthBound, redactSecret, type SecretFingerprint } from '@tapio/domain';
import type { KubeObject } from './kube-object.js';
import type { WatchedResource } from './watched-resources.js';

/** How Secrets are read: metadata only (the default), or whole with every value replaced by a keyed fingerprint. */
export interface SecretReading {
  metadataOnly: boolean;
  /** Set when `metadataOnly` is false: HMAC-SHA256 under the installation's key. */
  fingerprint?: SecretFingerprint;
}

export const METADATA_ONLY: SecretReading = { metadataOnly: true };

export type SanitizeObject = (object: KubeObject, resource: WatchedResource) => KubeObject;

const isSecretResource = (resource: WatchedResource): boolean => resource.kind === 'Secret' && resource.apiVersion === 'v1';

/**
 * Makes an object ready to emit and to cache: drops `managedFields` (as kubectl does) and
 * fills `kind`/`apiVersion` (list responses omit them on items). A Secret keeps only its
 * metadata by default (what a metadata-only watch returns; a server that sent more is
 * cut down the same way), with the last-applied annotation's copy of the values redacted;
 * with fingerprints opted in, every value is replaced by its keyed fingerprint. Returns a
 * new object; the input is not changed.
 */
export function sanitizeObject(object: KubeObject, resource: WatchedResource, secrets: SecretReading = METADATA_ONLY): KubeObject {
  const { metadata, ...rest } = object;
  const secret = isSecretResource(resource);
  // A metadata-only answer names itself PartialObjectMetadata (meta.k8s.io/v1): restore the kind it stands for.
  const kind = secret ? resource.kind : (object.kind ?? resource.kind);
  const apiVersion = secret ? resource.apiVersion : (object.apiVersion ?? resource.apiVersion);
  const cleaned: KubeObject = secret && secrets.metadataOnly ? {} : { ...rest };
  if (metadata !== undefined) {
    const { managedFields: _managedFields, ...keptMetadata } = metadata;
    cleaned.metadata = keptMetadata;
  }
  // Keep apiVersion/kind first, as the API server writes them.
  const sorted: KubeObject = { apiVersion, kind, ...cleaned };
  sorted.apiVersion = apiVersion;
  sorted.kind = kind;
  if (secret) return redactSecret(sorted, secrets.metadataOnly ? undefined : secrets.fingerprint) as KubeObject;
  // Fields only dropped, two strings added: it nests no deeper than what the server sent (watch-message.ts noted that).
  const bound = knownDepthBound(object);
  if (bound !== undefined) noteDepthBound(sorted, bound);
  return sorted;
}

/** The sanitizer for one reading policy. */
export function sanitizerFor(secrets: SecretReading): SanitizeObject {
  return (object, resource) => sanitizeObject(object, resource, secrets);
}
