import * as crypto from 'node:crypto';

// One-shot crypto.hash (Node 20.12+) avoids a Hash object per call: this runs for
// every ConfigMap / Secret key and every workload template version.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** A short digest of a value, so a change is visible without keeping the value (Secrets, ConfigMap data). */
export function contentHash(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return (oneShot ? oneShot('sha256', text) : crypto.createHash('sha256').update(text).digest('hex')).slice(0, 16);
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
