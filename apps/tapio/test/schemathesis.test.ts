import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/net/free-port.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');
const TOKEN = 'schemathesis-token-0123456789';
const VERSION = /SCHEMATHESIS_VERSION=(\S+)/.exec(readFileSync(join(ROOT, 'tools/schemathesis/version.sh'), 'utf8'))?.[1] as string;
const ST = join(ROOT, `tools/.cache/schemathesis-${VERSION}/bin/st`);

/** A bounded schemathesis run (every check, every phase, fixed seed) against ./bin/tapio serving a replayed incident. */
describe('REST API under schemathesis', () => {
  let dir: string;
  let api: string;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-schemathesis-'));
    const port = await freePort();
    await writeFile(join(dir, 'tapio.yaml'), `cluster: demo\nlog:\n  level: warn\napi:\n  port: ${port}\ncollectors:\n  replay:\n    file: ${RECORDING}\n`);
    const child = spawn(join(ROOT, 'bin/tapio'), ['-config', join(dir, 'tapio.yaml')], { env: { ...process.env, TAPIO_API_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] });
    stop = async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('close', resolve));
    };
    api = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${api}/healthz`).then((response) => response.ok, () => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('tapio did not serve its API within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 90_000);
  afterAll(async () => {
    await stop?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds no failure', async () => {
    if (!existsSync(ST)) throw new Error(`schemathesis ${VERSION} is not installed: run bash tools/setup.d/70-schemathesis.sh`);
    const args = ['--config-file', join(ROOT, 'tools/schemathesis/schemathesis.toml'), 'run', `${api}/docs/json`, '--checks', 'all', '--max-examples', '10', '--seed', '1', '-H', `Authorization: Bearer ${TOKEN}`, '--no-color'];
    const child = spawn(ST, args, { cwd: dir });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toMatch(/\d+ generated, \d+ passed/);
  }, 300_000);
});
