import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

/** What one ./bin/tapio command line ran. */
interface Loaded {
  status: number;
  stdout: string;
  /** The bundle ran (its coverage was reported), not the modules. */
  ranBundle: boolean;
  /** Modules of the bundle whose code ran: esbuild wraps each module it may start late in a function named by its path. */
  initialised: string[];
  /** Files loaded from outside the bundle (ES modules and require()), but the launcher's. */
  outside: string[];
}

/**
 * Runs a command line and tells what it loaded. The bundle is one file: what of it ran is
 * read from V8's coverage of it (NODE_V8_COVERAGE, under which the launcher keeps no code
 * cache); what came from elsewhere, from the module log (support/module-log).
 */
async function loadedBy(args: string[], cwd: string): Promise<Loaded> {
  const log = join(cwd, `modules-${Date.now()}.txt`);
  const coverage = await mkdtemp(join(cwd, 'coverage-'));
  const env = { ...process.env, NODE_OPTIONS: `--import ${REGISTER}`, TAPIO_MODULE_LOG: log, TAPIO_MODULE_LOG_REQUIRE: '1', NODE_V8_COVERAGE: coverage };
  const { status, stdout } = await run(TAPIO, args, { env, cwd, maxBuffer: 64 << 20 }).then(
    (result) => ({ status: 0, stdout: result.stdout }),
    (error: { code?: number; stdout?: string }) => ({ status: error.code ?? -1, stdout: error.stdout ?? '' }),
  );
  const initialised: string[] = [];
  let ranBundle = false;
  for (const file of await readdir(coverage)) {
    const report = JSON.parse(await readFile(join(coverage, file), 'utf8')) as { result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }> };
    for (const script of report.result.filter((entry) => entry.url.endsWith('/apps/tapio/dist/bundle/main.cjs'))) {
      ranBundle = true;
      for (const fn of script.functions) if (/^(node_modules|libs|apps|native)\//.test(fn.functionName) && (fn.ranges[0]?.count ?? 0) > 0) initialised.push(fn.functionName);
    }
  }
  const outside = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((url) => url.startsWith('file:') && !url.includes('/dist/cli-bundle/'));
  return { status, stdout, ranBundle, initialised, outside };
}

/** Workspace modules among the files loaded from outside the bundle (the bundle holds them all). */
const workspaceModules = (urls: string[]) => urls.filter((url) => url.includes('/libs/') || url.includes('/apps/tapio/dist/') || url.includes('/native/'));

describe('./bin/tapio analyze runs the bundled command (tools/build-cli-bundle.mjs)', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('the bundle matches the modules it was built from (npm run build makes it)', () => {
    expect(freshBundle(BUNDLE, ROOT), 'apps/tapio/dist/bundle/ is missing or older than the modules: run npm install (esbuild) and npm run build').toBeDefined();
  });

  it('a one-line analysis runs the bundle, loads none of the modules, and starts nothing analyze does not use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-cli-bundle-'));
    folders.push(dir);
    const oneLine = join(dir, 'one.ndjson');
    await writeFile(oneLine, `${(await readFile(RECORDING, 'utf8')).split('\n')[0]}\n`);
    const loaded = await loadedBy(['analyze', oneLine, '--json'], dir);
    expect(JSON.parse(loaded.stdout)).toMatchObject({ events: 1, rejected: 0 });
    expect(loaded.ranBundle).toBe(true);
    // Nothing from the workspace's modules but the launcher: the whole command came from the bundle.
    expect(workspaceModules(loaded.outside)).toEqual([]);
    // The check must be able to see a module start at all: what analyze does use is seen.
    for (const used of ['node_modules/commander/', 'node_modules/zod/', 'libs/intelligence/correlation/', 'libs/collectors/kubeapi/']) expect(loaded.initialised.some((name) => name.startsWith(used)), used).toBe(true);
    for (const unused of UNUSED_BY_ANALYZE) expect([...loaded.initialised, ...loaded.outside].filter((name) => name.includes(unused)), unused).toEqual([]);
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

  // What each short command starts (run and record, long-running, start from the modules;
  // light-plugins.test.ts covers what analyze's modules load).
  it('the short commands run from the bundle and start only what they use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-cli-bundle-cmd-'));
    folders.push(dir);
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
      const loaded = await loadedBy(args, dir);
      expect(loaded.status, args.join(' ')).toBe(status);
      expect(loaded.ranBundle, `${args.join(' ')} runs the bundle`).toBe(true);
      expect(workspaceModules(loaded.outside), `${args.join(' ')} loads no workspace module outside the bundle`).toEqual([]);
      expect(loaded.initialised.some((name) => name.startsWith('node_modules/commander/'))).toBe(true);
      for (const unused of [...UNUSED_BY_ANALYZE, ...without]) expect([...loaded.initialised, ...loaded.outside].filter((name) => name.includes(unused)), `${args.join(' ')}: ${unused}`).toEqual([]);
    }
  });
});
