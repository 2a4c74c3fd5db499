import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../src/cli-bundle/fresh-bundle.js';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const PLUGIN_API = fileURLToPath(new URL('../../../libs/plugin-api', import.meta.url));
const REGISTER = fileURLToPath(new URL('./support/module-log/register.mjs', import.meta.url));

/**
 * A third-party plugin as a user installs one beside tapio.yaml: its own import of
 * @tapio/plugin-api (node_modules/@tapio/plugin-api, linked to the workspace's package the
 * way npm links it). Under the bundle that is a second copy of the plugin API beside the one
 * inside the bundle: only what crosses by value may be relied on (descriptor shape, DI tokens
 * from Symbol.for, zod schemas that parse with their own zod). The plugin needs the CLI's
 * logger, metrics, clock and dead letters by token, logs what it got, and turns `acme` lines
 * into UnifiedEvents with the plugin API's makeUnifiedEvent, checked by its own zod schema.
 */
const PLUGIN = `import { Clock, DeadLetterSink, definePlugin, Logger, makeUnifiedEvent, Metrics, token, z } from '@tapio/plugin-api';

const Reading = z.object({ node: z.string().min(1), level: z.number().min(0).max(100) });

class AcmeTransformer {
  sources = ['acme'];
  transform(raw, context) {
    const reading = Reading.parse(raw.data);
    const entity = { kind: 'Node', name: reading.node, cluster: context.cluster };
    return [makeUnifiedEvent(raw, context, 'custom', 'acme-reading', { entity, message: 'acme level ' + reading.level + ' on ' + reading.node, metrics: { level: reading.level } })];
  }
}

export const acmePlugin = definePlugin({
  id: 'acme',
  kind: 'transformer',
  needs: { logger: Logger, metrics: Metrics, clock: Clock, deadLetters: DeadLetterSink },
  transformers: () => [new AcmeTransformer()],
  register({ deps }) {
    const got = Object.entries(deps).map(([name, service]) => name + ':' + typeof service).join(',');
    // The tokens this copy of the plugin API made are the CLI's (Symbol.for): the same symbol.
    const same = Logger === Symbol.for('tapio.Logger') && token('Logger') === Logger;
    deps.logger.warn({ got, same, now: typeof deps.clock.now() }, 'acme plugin registered');
    return {};
  },
});
`;

const line = (at: string, data: unknown) => JSON.stringify({ timestamp: at, source: 'acme', type: 'Reading', metadata: { cluster: 'lab', collector: 'acme' }, data });
const RECORDING = [line('2026-03-02T10:00:00Z', { node: 'n1', level: 12 }), line('2026-03-02T10:00:01Z', { node: 'n2', level: 80 }), line('2026-03-02T10:00:02Z', { node: 'n1', level: 300 })].join('\n') + '\n';

describe('a third-party plugin loaded from tapio.yaml by the bundled command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-bundle-plugin-'));
    await mkdir(join(dir, 'node_modules/@tapio'), { recursive: true });
    await symlink(PLUGIN_API, join(dir, 'node_modules/@tapio/plugin-api'), 'dir');
    await mkdir(join(dir, 'acme'));
    await writeFile(join(dir, 'acme/plugin.mjs'), PLUGIN);
    await writeFile(join(dir, 'tapio.yaml'), 'cluster: lab\nlog:\n  format: json\nplugins:\n  - ./acme/plugin.mjs\n');
    await writeFile(join(dir, 'acme.ndjson'), RECORDING);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const analyze = (env: NodeJS.ProcessEnv = {}) => run(TAPIO, ['analyze', 'acme.ndjson', '--json'], { cwd: dir, env: { ...process.env, ...env } });

  it('runs from the bundle, with the plugin API of the plugin a module of its own', async () => {
    expect(freshBundle(new URL('../dist/bundle/', import.meta.url), new URL('../../../', import.meta.url)), 'the bundle is missing or stale: npm install, npm run build').toBeDefined();
    const log = join(dir, 'modules.txt');
    await analyze({ NODE_OPTIONS: `--import ${REGISTER}`, TAPIO_MODULE_LOG: log });
    const loaded = (await import('node:fs')).readFileSync(log, 'utf8').split('\n');
    // The launcher ran and the command's modules did not (the bundle is one file, run by the launcher itself).
    expect(loaded.some((url) => url.endsWith('/apps/tapio/dist/cli-bundle/launch.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('/apps/tapio/dist/') && !url.includes('/dist/cli-bundle/'))).toEqual([]);
    expect(loaded.some((url) => url.endsWith('/libs/plugin-api/dist/index.js'))).toBe(true);
  });

  it('recognises the descriptor, gives it the CLI services by token, and its transformer turns the lines into events', async () => {
    const { stdout, stderr } = await analyze();
    // Two readings taken; the third (level 300) refused by the plugin's own schema, dead-lettered.
    expect(JSON.parse(stdout)).toMatchObject({ events: 2, rejected: 1 });
    const records = stderr.split('\n').filter((text) => text.startsWith('{')).map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(records.find((record) => record['msg'] === 'acme plugin registered')).toMatchObject({ got: 'logger:object,metrics:object,clock:object,deadLetters:object', same: true, now: 'number' });
    // No plugin failure (a module that cannot load, no descriptor, a need nothing provides: each logged as an error).
    expect(records.filter((record) => (record['level'] as number) >= 50)).toEqual([]);
  });

  it('answers byte for byte as the modules do (TAPIO_NO_BUNDLE=1)', async () => {
    const bundled = await analyze();
    const modules = await analyze({ TAPIO_NO_BUNDLE: '1' });
    expect(bundled.stdout).toBe(modules.stdout);
  });
});
