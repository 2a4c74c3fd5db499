import * as crypto from 'node:crypto';
import { ORIGIN_METADATA_KEY, type RawEvent } from '@tapio/domain';
import { murmur3Hex128 } from './murmur3.js';

/** Deeper than the pipeline's own limit (limits.maxDepth, at most 1000) and far from the stack's. */
const MAX_CANONICAL_DEPTH = 1024;

/**
 * JSON with object keys sorted, so equal values always serialise identically. Throws a
 * plain Error (not a stack overflow) beyond MAX_CANONICAL_DEPTH levels; the pipeline
 * refuses such input before it gets here.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth >= MAX_CANONICAL_DEPTH) throw new Error(`value nests deeper than ${MAX_CANONICAL_DEPTH} levels; cannot compute its id`);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], depth + 1)}`).join(',')}}`;
}

// One-shot crypto.hash (Node 20.12+) is twice as fast as createHash for short input.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

function digest(text: string): string {
  return (oneShot ? oneShot('sha256', text) : crypto.createHash('sha256').update(text).digest('hex')).slice(0, 32);
}

function withoutOrigin(metadata: Record<string, string>): Record<string, string> {
  const { [ORIGIN_METADATA_KEY]: _origin, ...rest } = metadata;
  return rest;
}

/**
 * What makes a RawEvent the same event (where it was read from is not part of it). A Kubernetes watch event is identified by
 * the object's uid and resourceVersion (plus the watch verb), which is both exact
 * and far cheaper than hashing the whole object; anything else by its content.
 */
function identityOf(raw: RawEvent): string {
  const data = raw.data as { type?: unknown; object?: { metadata?: { uid?: unknown; resourceVersion?: unknown } } } | null;
  const metadata = data && typeof data === 'object' ? data.object?.metadata : undefined;
  if (raw.source === 'kubeapi' && typeof metadata?.uid === 'string' && typeof metadata.resourceVersion === 'string') {
    return `kubeapi|${raw.metadata['cluster'] ?? ''}|${String(data?.type)}|${metadata.uid}|${metadata.resourceVersion}`;
  }
  return canonicalJson({
    timestamp: raw.timestamp,
    type: raw.type,
    source: raw.source,
    data: raw.data,
    metadata: ORIGIN_METADATA_KEY in raw.metadata ? withoutOrigin(raw.metadata) : raw.metadata,
    traceId: raw.traceId,
    spanId: raw.spanId,
  });
}

/** Deterministic id of a RawEvent: replays and redeliveries of one event share it. */
export function rawEventId(raw: RawEvent): string {
  return `raw-${digest(identityOf(raw))}`;
}

/**
 * Deterministic id of the UnifiedEvent derived from a RawEvent under a discriminator.
 * The raw id is already a SHA-256 digest nobody can steer, so a fast 128-bit hash
 * keeps derived ids unique at a fraction of the cost (one or more per event).
 */
export function derivedEventId(rawId: string, discriminator: string): string {
  return `evt-${murmur3Hex128(`${rawId}#${discriminator}`)}`;
}
