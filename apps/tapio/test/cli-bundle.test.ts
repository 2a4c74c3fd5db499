import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freshBundle } from '../src/cli-bundle/fresh-bundle.js';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const ROOT = new URL('../../../', import.meta.url);
const BUNDLE = new URL('../dist/bundle/', import.meta.url);
const REGISTER = fileURLToPath(new URL('./support/module-log/register.mjs', import.meta.url));
const RECORDING = fileURLToPath(new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));
/** What a one-line analysis must not load, bundled or not (light-plugins.test.ts checks the modules). */
const UNUSED_BY_ANALYZE = ['node_modules/@kubernetes/client-node/', 'node_modules/neo4j-driver', 'node_modules/@nats-io/', 'native/ebpf/', 'node_modules/prom-client/', 'node_modules/@opentelemetry/', 'node_modules/fastify/', 'node_modules/mercurius/', 'node_modules/cockatiel/', 'node_modules/chokidar/', 'libs/interfaces/api/dist/server/'];

describe('./bin/tapio analyze runs the bundled command (tools/build-cli-bundle.mjs)', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('the bundle matches the modules it was built from (npm run build makes it)', () => {
    expect(freshBundle(BUNDLE, ROOT), 'apps/tapio/dist/bundle/ is missing or older than the modules: run npm install (esbuild) and npm run build').toBeDefined();
  });

  it('a one-line analysis loads the bundle and none of the modules, and no chunk holding what analyze does not use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-cli-bundle-'));
    folders.push(dir);
    const oneLine = join(dir, 'one.ndjson');
    await writeFile(oneLine, `${(await readFile(RECORDING, 'utf8')).split('\n')[0]}\n`);
    const log = join(dir, 'modules.txt');
    const { stdout } = await run(TAPIO, ['analyze', oneLine, '--json'], { env: { ...process.env, NODE_OPTIONS: `--import ${REGISTER}`, TAPIO_MODULE_LOG: log }, cwd: dir });
    expect(JSON.parse(stdout)).toMatchObject({ events: 1, rejected: 0 });
    const loaded = (await readFile(log, 'utf8')).split('\n').filter((url) => url.startsWith('file:'));
    const bundled = loaded.filter((url) => url.includes('/apps/tapio/dist/bundle/'));
    expect(bundled.some((url) => url.endsWith('/apps/tapio/dist/bundle/main.js'))).toBe(true);
    // Nothing from the workspace's modules but the launcher: the whole command came from the bundle.
    expect(loaded.filter((url) => (url.includes('/libs/') || url.includes('/apps/tapio/dist/')) && !url.includes('/dist/bundle/') && !url.includes('/dist/cli-bundle/'))).toEqual([]);
    const chunks = JSON.parse(await readFile(new URL('chunks.json', BUNDLE), 'utf8')) as Record<string, string[]>;
    const inputs = bundled.flatMap((url) => chunks[url.slice(url.indexOf('/dist/bundle/') + '/dist/bundle/'.length)] ?? []);
    // The check must be able to see a library inside a chunk at all: the CLI's own library is there.
    expect(inputs.some((input) => input.includes('node_modules/commander/'))).toBe(true);
    for (const unused of UNUSED_BY_ANALYZE) expect(inputs.filter((input) => input.includes(unused)), unused).toEqual([]);
  });

  // The analyze goldens (analyze-golden.test.ts, through ./bin/tapio) hold every recording's text and JSON answer.
  it('gives byte for byte the answer of the modules (TAPIO_NO_BUNDLE=1)', async () => {
    const args = ['analyze', RECORDING, '--json'];
    const bundled = await run(TAPIO, args, { maxBuffer: 64 << 20 });
    const modules = await run(TAPIO, args, { maxBuffer: 64 << 20, env: { ...process.env, TAPIO_NO_BUNDLE: '1' } });
    expect(JSON.parse(bundled.stdout).insights.length).toBeGreaterThan(0);
    expect(bundled.stdout).toBe(modules.stdout);
  });

  // Tapio makes no pino transport (a worker thread whose file pino finds by __dirname, which a
  // bundle moves): logging.ts writes JSON records to fd 2 itself (pino.destination, sync) and
  // pretty lines through a write function. Both formats must log under the bundle as they do from the modules.
  it('logs in both formats as the modules do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-cli-bundle-log-'));
    folders.push(dir);
    await writeFile(join(dir, 'one.ndjson'), `${(await readFile(RECORDING, 'utf8')).split('\n')[0]}\n`);
    await writeFile(join(dir, 'json.yaml'), 'log:\n  format: json\n');
    await writeFile(join(dir, 'pretty.yaml'), 'log:\n  format: pretty\n');
    const stderrOf = async (format: string, env: NodeJS.ProcessEnv = {}) => (await run(TAPIO, ['analyze', 'one.ndjson', '--json', '--verbose', '--config', `${format}.yaml`], { cwd: dir, env: { ...process.env, ...env } })).stderr;
    const records = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; time: string; msg: string });
    const bundled = records(await stderrOf('json'));
    const modules = records(await stderrOf('json', { TAPIO_NO_BUNDLE: '1' }));
    expect(bundled.map((record) => record.msg)).toContain('tapio started');
    expect(bundled.map(({ level, msg }) => [level, msg])).toEqual(modules.map(({ level, msg }) => [level, msg]));
    const pretty = (await stderrOf('pretty')).split('\n').filter(Boolean);
    expect(pretty.map((line) => /^\S+Z (INFO|WARN) {1,2}(.*)$/.exec(line)?.[2])).toEqual(bundled.map((record) => expect.stringMatching(new RegExp(`^${record.msg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))));
  });

  /** The workspace modules and bundle chunk inputs a ./bin/tapio command line loads. */
  async function loadedBy(args: string[]): Promise<{ status: number; modules: string[]; inputs: string[] }> {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-cli-bundle-cmd-'));
    folders.push(dir);
    const log = join(dir, 'modules.txt');
    const status = await run(TAPIO, args, { env: { ...process.env, NODE_OPTIONS: `--import ${REGISTER}`, TAPIO_MODULE_LOG: log }, cwd: dir }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );
    const loaded = (await readFile(log, 'utf8')).split('\n').filter((url) => url.startsWith('file:'));
    const chunks = JSON.parse(await readFile(new URL('chunks.json', BUNDLE), 'utf8')) as Record<string, string[]>;
    const bundled = loaded.filter((url) => url.includes('/apps/tapio/dist/bundle/'));
    expect(bundled.some((url) => url.endsWith('/apps/tapio/dist/bundle/main.js')), `${args.join(' ')} runs the bundle`).toBe(true);
    const modules = loaded.filter((url) => (url.includes('/libs/') || url.includes('/apps/tapio/dist/')) && !url.includes('/dist/bundle/') && !url.includes('/dist/cli-bundle/'));
    return { status, modules, inputs: bundled.flatMap((url) => chunks[url.slice(url.indexOf('/dist/bundle/') + '/dist/bundle/'.length)] ?? []) };
  }

  // Module counts per command: what each short command loads from the bundle (run and record,
  // long-running, start from the modules; light-plugins.test.ts covers what analyze's modules load).
  it('the short commands run from the bundle and load only what they use', async () => {
    const patterns = fileURLToPath(new URL('../../../libs/intelligence/correlation/patterns', import.meta.url));
    const config = fileURLToPath(new URL('../../../tapio.yaml', import.meta.url));
    const commands: Array<{ args: string[]; status: number; without: string[] }> = [
      // The command line alone: no configuration, domain, zod or YAML.
      { args: ['version'], status: 0, without: ['node_modules/zod/', 'node_modules/yaml/', 'libs/domain/', 'libs/plugin-api/', 'libs/intelligence/'] },
      { args: ['--help'], status: 0, without: ['node_modules/zod/', 'node_modules/yaml/', 'libs/domain/', 'libs/plugin-api/', 'libs/intelligence/'] },
      { args: ['completion', 'bash'], status: 0, without: ['node_modules/zod/', 'node_modules/yaml/', 'libs/domain/', 'libs/intelligence/'] },
      // A client command: the client and the domain's answer schemas, not the engine or the YAML parser (exit 6: nothing listens on port 9).
      { args: ['why', 'pod', 'default/web', '--server', 'http://127.0.0.1:9'], status: 6, without: ['node_modules/yaml/', 'libs/intelligence/', 'libs/collectors/'] },
      { args: ['config', 'check', config], status: 0, without: [] },
      { args: ['patterns', 'validate', patterns], status: 0, without: ['libs/collectors/'] },
    ];
    for (const { args, status, without } of commands) {
      const loaded = await loadedBy(args);
      expect(loaded.status, args.join(' ')).toBe(status);
      expect(loaded.modules, `${args.join(' ')} loads no workspace module outside the bundle`).toEqual([]);
      expect(loaded.inputs.some((input) => input.includes('node_modules/commander/'))).toBe(true);
      for (const unused of [...UNUSED_BY_ANALYZE, ...without]) expect(loaded.inputs.filter((input) => input.includes(unused)), `${args.join(' ')}: ${unused}`).toEqual([]);
    }
  });
});
