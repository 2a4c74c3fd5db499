import { isRedactedValue } from '@tapio/domain';
import { canonical } from './canonical.js';
import { contentHash } from './content-hash.js';
import { obj, type Json } from './k8s-object.js';

/**
 * What the transformer can know of a Secret without its values: its keys (from `data` /
 * `stringData` when read with fingerprints, else from the redacted last-applied annotation
 * where kubectl left one), keyed fingerprints when the installation opted in, and its
 * metadata, whose resourceVersion moving alone means the content changed.
 */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const FINGERPRINT = /^hmac-sha256:[0-9a-f]{64}$/;
/** Stands for a value that was not read (metadata only) or was redacted. */
const UNREAD = 'unread';

function valuesOf(object: Json): Record<string, unknown> {
  return { ...obj(object['data']), ...obj(object['stringData']) };
}

function lastAppliedKeys(object: Json): string[] {
  const text = obj(obj(object['metadata'])['annotations'])[LAST_APPLIED];
  if (typeof text !== 'string') return [];
  try {
    const applied = obj(JSON.parse(text));
    return Object.keys({ ...obj(applied['data']), ...obj(applied['stringData']) });
  } catch {
    return [];
  }
}

export function secretKeys(object: Json): string[] {
  const keys = Object.keys(valuesOf(object));
  return (keys.length > 0 ? keys : lastAppliedKeys(object)).sort();
}

/**
 * Per key: its keyed fingerprint, or `unread`. A value that is neither a fingerprint nor
 * redacted (a Secret that reached the transformer by another path) is never hashed plainly.
 */
export function secretDigest(object: Json): Record<string, string> {
  const values = valuesOf(object);
  const digest: Record<string, string> = {};
  for (const key of secretKeys(object)) {
    const value = values[key];
    digest[key] = typeof value === 'string' && FINGERPRINT.test(value) ? value : UNREAD;
  }
  return digest;
}

/** A digest of keyed fingerprints only (never of values); undefined when the values were not read. */
export function secretContentHash(object: Json): string | undefined {
  const digest = secretDigest(object);
  const keys = Object.keys(digest);
  if (keys.length === 0 || keys.some((key) => digest[key] === UNREAD)) return undefined;
  return contentHash(digest);
}

/** True when the content is known only through the resourceVersion (metadata-only or redacted values). */
export function contentUnread(digest: Record<string, string> | undefined): boolean {
  const values = Object.values(digest ?? {});
  return values.length === 0 || values.some((value) => value === UNREAD || (!FINGERPRINT.test(value) && isRedactedValue(value)));
}

/** Everything in metadata but the resourceVersion (and fields that move with every write). */
export function metadataDigest(object: Json): string {
  const { resourceVersion: _version, managedFields: _managed, generation: _generation, ...rest } = obj(object['metadata']);
  return contentHash(canonical(rest));
}
