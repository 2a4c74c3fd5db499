import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacFingerprint, loadFingerprintKey } from './secret-fingerprint.js';

describe('Secret fingerprint key', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    delete process.env['TAPIO_TEST_FINGERPRINT_KEY'];
  });
  const keyFile = (content: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tapio-key-'));
    dirs.push(dir);
    const file = join(dir, 'key');
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  };

  it('loads from a file (trailing newline ignored) or an environment variable', () => {
    const key = 'k'.repeat(40);
    expect(loadFingerprintKey({ file: keyFile(`${key}\n`) }).toString()).toBe(key);
    process.env['TAPIO_TEST_FINGERPRINT_KEY'] = key;
    expect(loadFingerprintKey({ env: 'TAPIO_TEST_FINGERPRINT_KEY' }).toString()).toBe(key);
  });

  it('refuses a short, missing or unreadable key, naming where it looked', () => {
    expect(() => loadFingerprintKey({ file: keyFile('short') })).toThrow(/holds 5 bytes; a key needs at least 32/);
    expect(() => loadFingerprintKey({ file: '/nonexistent/tapio.key' })).toThrow('secrets.fingerprintKey file /nonexistent/tapio.key cannot be read (ENOENT)');
    expect(() => loadFingerprintKey({ env: 'TAPIO_TEST_FINGERPRINT_KEY' })).toThrow('environment variable TAPIO_TEST_FINGERPRINT_KEY is not set');
  });

  it('fingerprints with HMAC-SHA256 under the key: never the plain sha256 of the value', () => {
    const key = Buffer.from('k'.repeat(32));
    const fingerprint = hmacFingerprint(key)(new TextEncoder().encode('hunter2'));
    expect(fingerprint).toBe(`hmac-sha256:${createHmac('sha256', key).update('hunter2').digest('hex')}`);
    expect(fingerprint).not.toContain(createHash('sha256').update('hunter2').digest('hex'));
    expect(hmacFingerprint(Buffer.from('j'.repeat(32)))(new TextEncoder().encode('hunter2'))).not.toBe(fingerprint);
  });
});
