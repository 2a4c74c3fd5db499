import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/unprivileged-start.mjs', import.meta.url));

describe('kernel collector without privilege', () => {
  // Root without any capability (setpriv from util-linux empties the bounding set, so
  // exec cannot regain them): the files stay readable wherever the clone lives.
  it('an unprivileged run gets one clear error naming the missing capabilities, health reports it, and the process keeps running', async () => {
    const { stdout } = await promisify(execFile)('setpriv', ['--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all', process.execPath, script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      timeout: 30_000,
    });
    const result = JSON.parse(stdout) as { capEff: string; failure?: { name: string; message: string; missing: string[] }; health: { status: string; reason?: string }; stillRunning: boolean };
    expect(result.capEff).toBe('0000000000000000');
    expect(result.failure?.name).toBe('EbpfUnavailableError');
    expect(result.failure?.message).toMatch(/^kernel collector cannot start: missing privilege: CAP_BPF and CAP_PERFMON \(or CAP_SYS_ADMIN\)/);
    expect(result.failure?.missing).toHaveLength(1);
    expect(result.health.status).toBe('down');
    expect(result.health.reason).toBe(result.failure?.message);
    expect(result.stillRunning).toBe(true);
  });
});
