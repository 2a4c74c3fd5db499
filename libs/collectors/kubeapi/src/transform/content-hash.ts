import { createHash } from 'node:crypto';

/** A short digest of a value, so a change is visible without keeping the value (Secrets, ConfigMap data). */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value ?? null)).digest('hex').slice(0, 16);
}

/** Per-key digests of a ConfigMap's / Secret's data and binaryData. */
export function keyHashes(object: Record<string, unknown>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const field of ['data', 'binaryData', 'stringData']) {
    const data = object[field];
    if (data === null || typeof data !== 'object') continue;
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) hashes[key] = contentHash(value);
  }
  return hashes;
}
