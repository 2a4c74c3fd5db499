import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, type PluginDescriptor } from '@tapio/domain';
import { BUILTIN_PLUGINS, compose, loadConfig, TapioRuntime } from '../src/index.js';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(WORKSPACE, 'tools/new-project.sh');
const run = promisify(execFile);

/**
 * The promise of tools/new-project.sh --collector: a scaffolded collector plugin,
 * registered by one line beside the built-in ones, runs end to end. Scaffolded into a
 * temporary copy of the workspace layout, so the real workspace is left alone.
 */
describe('tools/new-project.sh --collector', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('scaffolds a collector whose events, once registered by one line, come out of Tapio', async () => {
    const root = await mkdtemp(join(tmpdir(), 'tapio-scaffold-'));
    folders.push(root);
    // What the scaffold's tsconfig extends and references, as in a copy of the workspace.
    await copyFile(join(WORKSPACE, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
    await mkdir(join(root, 'libs'));
    await symlink(join(WORKSPACE, 'libs/plugin-api'), join(root, 'libs/plugin-api'));
    const id = `probe-${process.pid}`;
    const { stdout } = await run('bash', [SCRIPT, '--collector', id, '--root', root]);
    expect(stdout).toContain(`created libs/collectors/${id}`);

    const entry = (await import(join(root, 'libs/collectors', id, 'src/plugin.ts'))) as Record<string, PluginDescriptor>;
    const scaffolded = Object.values(entry)[0] as PluginDescriptor;
    // The one line a person adds to apps/tapio/src/plugins/builtin-plugins.ts:
    const plugins = [...BUILTIN_PLUGINS, scaffolded];

    const file = join(root, 'tapio.yaml');
    await writeFile(file, `cluster: lab\napi:\n  enabled: false\ncollectors:\n  ${id}:\n    node: scaffold-node\n    interval: 50ms\n`);
    const loaded = await loadConfig(file);
    const composition = await compose(loaded, silentLogger, plugins);
    expect(composition.pluginFailures).toEqual([]);
    const runtime = new TapioRuntime(composition, 'all', { cluster: 'lab', busType: 'embedded', correlation: loaded.config.correlation, baseDir: root, watchPatterns: false });
    await runtime.start();
    try {
      const deadline = Date.now() + 10_000;
      let samples = 0;
      while (samples < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        const page = await composition.graph.events({ entity: { kind: 'Node', name: 'scaffold-node' }, limit: 100 });
        samples = page.items.filter((event) => event.source === id && event.type === 'custom').length;
      }
      expect(samples, JSON.stringify({ pipeline: runtime.pipelineStats(), collectors: runtime.health()['collectors'] })).toBeGreaterThanOrEqual(2);
      expect(runtime.pipelineStats().rejected.transform).toBe(0);
    } finally {
      await runtime.stop();
    }
  });
});
