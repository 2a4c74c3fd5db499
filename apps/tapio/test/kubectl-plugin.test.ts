import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './support/helm-chart.js';

const run = promisify(execFile);

// The krew manifest describes the archive tools/krew/package.sh makes of bin/kubectl-tapio.
// (The plugin itself runs against the real cluster in helm-install.test.ts.)
describe('kubectl-tapio krew manifest', () => {
  it('names the sha256 of a fresh, reproducible package of bin/kubectl-tapio', async () => {
    const manifest = parse(await readFile(join(ROOT, 'deploy/krew/tapio.yaml'), 'utf8')) as { kind: string; metadata: { name: string }; spec: { platforms: Array<{ sha256: string; bin: string; files: Array<{ from: string }> }> } };
    expect(manifest).toMatchObject({ kind: 'Plugin', metadata: { name: 'tapio' } });
    const dirs = [await mkdtemp(join(tmpdir(), 'tapio-krew-')), await mkdtemp(join(tmpdir(), 'tapio-krew-'))];
    try {
      const packed = await Promise.all(dirs.map(async (dir) => (await run('bash', [join(ROOT, 'tools/krew/package.sh'), dir])).stdout));
      const sha = packed.map((text) => /^sha256=(\w+)$/m.exec(text)?.[1]);
      expect(sha[0], 'two packages of the same script are identical').toBe(sha[1]);
      for (const platform of manifest.spec.platforms) {
        expect(platform.sha256, 'deploy/krew/tapio.yaml sha256 (re-run tools/krew/package.sh after changing bin/kubectl-tapio)').toBe(sha[0]);
        expect(platform.bin).toBe('kubectl-tapio');
      }
      const listed = (await run('tar', ['-tzf', join(dirs[0] as string, 'kubectl-tapio.tar.gz')])).stdout.split('\n').filter(Boolean).sort();
      expect(listed).toEqual(manifest.spec.platforms[0]?.files.map((file) => file.from).sort());
    } finally {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });

  it('refuses to run without a Tapio API Service, saying where it looked', async () => {
    const failed = await run(join(ROOT, 'bin/kubectl-tapio'), ['insights', '--tapio-namespace', 'nowhere'], { env: { ...process.env, KUBECTL: 'false' } }).catch((error: Error & { stderr: string; code: number }) => error);
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toContain('cannot list Services in namespace nowhere');
  });
});
