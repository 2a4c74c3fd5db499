import { isKeyedFingerprint, isRedactedValue, isValueStandIn } from '@tapio/domain';
import { canonical } from './canonical.js';
import { contentHash } from './content-hash.js';
import { obj, type Json } from './k8s-object.js';

/**
 * What the transformer can know of a Secret without its values: its keys (from `data` /
 * `stringData` when read with fingerprints, else from the redacted last-applied annotation
 * where kubectl left one), keyed fingerprints when the installation opted in (or a
 * recording's versioned placeholders), and its metadata, whose resourceVersion moving alone
 * means the content changed.
 */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
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
 * Per key: its stand-in (keyed fingerprint or placeholder), or `unread`. A value that is
 * neither (a Secret that reached the transformer by another path) is never hashed plainly.
 */
export function secretDigest(object: Json): Record<string, string> {
  const values = valuesOf(object);
  const digest: Record<string, string> = {};
  for (const key of secretKeys(object)) {
    const value = values[key];
    digest[key] = isValueStandIn(value) ? value : UNREAD;
  }
  return digest;
}

/**
 * A digest of keyed fingerprints only (never of values); undefined when the values were not
 * read, or stand for themselves as a recording's placeholders (compared, never handed on).
 */
export function secretContentHash(object: Json): string | undefined {
  const digest = secretDigest(object);
  const keys = Object.keys(digest);
  if (keys.length === 0 || keys.some((key) => !isKeyedFingerprint(digest[key]))) return undefined;
  return contentHash(digest);
}

/** True when the content is known only through the resourceVersion (metadata-only or redacted values). */
export function contentUnread(digest: Record<string, string> | undefined): boolean {
  const values = Object.values(digest ?? {});
  return values.length === 0 || values.some((value) => value === UNREAD || (!isValueStandIn(value) && isRedactedValue(value)));
}

/**
 * Annotations a Secret's writer derives from its values (external-secrets'
 * `reconcile.external-secrets.io/data-hash`, a checksum, a rotation stamp): they move with the
 * data, so their change beside a moved resourceVersion says the content changed too, not
 * only the metadata. Matched on the name after the prefix.
 */
const CONTENT_MARKER = /(hash|checksum|digest|rotat)/i;

function withoutContentMarkers(annotations: unknown): unknown {
  if (annotations === null || typeof annotations !== 'object') return annotations;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(annotations)) if (!CONTENT_MARKER.test(key.slice(key.lastIndexOf('/') + 1))) kept[key] = value;
  return kept;
}

/** Everything in metadata but the resourceVersion (and fields that move with every write, or with the data). */
export function metadataDigest(object: Json): string {
  const { resourceVersion: _version, managedFields: _managed, generation: _generation, ...rest } = obj(object['metadata']);
  if (rest['annotations'] !== undefined) rest['annotations'] = withoutContentMarkers(rest['annotations']);
  return contentHash(canonical(rest));
}
