import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecretFingerprint } from '@tapio/domain';
import type { SecretsConfig } from './kubeapi-config.js';

const MIN_KEY_BYTES = 32;

/**
 * The installation's fingerprint key, from a file or an environment variable. It stays
 * in this process (inside the HMAC closure): never in the graph, a RawEvent or a log.
 */
export function loadFingerprintKey(source: NonNullable<SecretsConfig['fingerprintKey']>): Buffer {
  let key: Buffer;
  let where: string;
  if (source.file !== undefined) {
    where = `file ${source.file}`;
    try {
      key = readFileSync(source.file);
    } catch (error) {
      throw new Error(`kubeapi collector: secrets.fingerprintKey ${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
  } else {
    where = `environment variable ${source.env}`;
    const value = process.env[source.env as string];
    if (value === undefined) throw new Error(`kubeapi collector: secrets.fingerprintKey ${where} is not set`);
    key = Buffer.from(value, 'utf8');
  }
  const trimmed = Buffer.from(key.toString('latin1').trim(), 'latin1');
  if (trimmed.length < MIN_KEY_BYTES) {
    throw new Error(`kubeapi collector: secrets.fingerprintKey ${where} holds ${trimmed.length} bytes; a key needs at least ${MIN_KEY_BYTES} (for example: head -c 32 /dev/urandom | base64)`);
  }
  return trimmed;
}

/** `hmac-sha256:<hex>` of a value's bytes under `key`: equal values agree, guesses cannot be tested without the key. */
export function hmacFingerprint(key: Buffer): SecretFingerprint {
  const secretKey = Buffer.from(key);
  return (bytes) => `hmac-sha256:${createHmac('sha256', secretKey).update(bytes).digest('hex')}`;
}
