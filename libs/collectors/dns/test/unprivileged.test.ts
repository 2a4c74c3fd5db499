import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/unprivileged-start.mjs', import.meta.url));

describe('DNS collector without privilege', () => {
  it('root with every capability dropped gets one clear error and health down; the process keeps running', async () => {
    const { stdout } = await promisify(execFile)('setpriv', ['--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all', process.execPath, script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      timeout: 30_000,
    });
    const result = JSON.parse(stdout) as { failure?: { name: string; message: string }; health: { status: string; reason?: string }; stillRunning: boolean };
    expect(result.failure?.name).toBe('EbpfUnavailableError');
    expect(result.failure?.message).toMatch(/^DNS collector cannot start: missing privilege: CAP_BPF and CAP_NET_ADMIN \(or CAP_SYS_ADMIN\)/);
    expect(result.health).toMatchObject({ status: 'down', reason: result.failure?.message });
    expect(result.stillRunning).toBe(true);
  });
});
