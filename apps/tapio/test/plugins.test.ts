import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '@tapio/domain';
import { compose, ConfigError, loadConfig, TapioRuntime, type Composition, type LoadedConfig } from '../src/index.js';

const EXAMPLE_ENTRY = fileURLToPath(new URL('../../../examples/tapio-collector-heartbeat/src/index.ts', import.meta.url));

interface Record {
  level: string;
  fields: LogFields;
  message: string | undefined;
}

/** A Logger that keeps what it is told, so tests can check failures are reported by name. */
function recordingLogger(records: Record[] = [], bindings: LogFields = {}): Logger & { records: Record[] } {
  const log = (level: string) => (fields: LogFields, message?: string) => void records.push({ level, fields: { ...bindings, ...fields }, message });
  return { records, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => recordingLogger(records, { ...bindings, ...more }) };
}

/** Plugins as a third party would ship them: plain ES modules exporting descriptor objects. */
const PLUGIN_FILES: { [file: string]: string } = {
  'dup-replay.mjs': `export const impostor = { id: 'replay', kind: 'collector', needs: {}, register: () => ({}) };\n`,
  'throws-register.mjs': `export const brokenRegister = { id: 'broken-register', kind: 'collector', needs: {}, register() { throw new Error('license key missing'); } };\n`,
  'throws-start.mjs': `export const brokenStart = {
  id: 'broken-start', kind: 'collector', needs: {},
  register: () => ({ collectors: [{ id: 'broken-start', source: 'broken', start: async () => { throw new Error('cannot open /dev/broken'); }, stop: async () => {}, health: () => ({ status: 'ok' }) }] }),
};\n`,
  'needs-nothing-provides.mjs': `export const needy = { id: 'needy', kind: 'collector', needs: { thing: Symbol.for('tapio.NoSuchPort') }, register: () => ({}) };\n`,
  'not-a-plugin.mjs': `export const answer = 42;\n`,
};

describe('third-party plugins from tapio.yaml', () => {
  let dir: string;
  const running: Array<{ runtime: TapioRuntime }> = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-plugins-'));
    for (const [file, text] of Object.entries(PLUGIN_FILES)) await writeFile(join(dir, file), text);
  });
  afterAll(async () => {
    for (const { runtime } of running) await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function load(name: string, yaml: string): Promise<LoadedConfig> {
    const file = join(dir, name);
    await writeFile(file, yaml);
    return loadConfig(file, {});
  }

  async function run(loaded: LoadedConfig, logger: Logger): Promise<{ composition: Composition; runtime: TapioRuntime }> {
    const composition = await compose(loaded, logger);
    const runtime = new TapioRuntime(composition, 'all', {
      cluster: loaded.config.cluster,
      busType: loaded.config.bus.type,
      correlation: loaded.config.correlation,
      baseDir: loaded.baseDir,
      watchPatterns: false,
    });
    await runtime.start();
    running.push({ runtime });
    return { composition, runtime };
  }

  async function heartbeatsInGraph(composition: Composition, node: string, atLeast: number): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const page = await composition.graph.events({ entity: { kind: 'Node', name: node }, limit: 100 });
      const beats = page.items.filter((event) => event.source === 'heartbeat' && event.type === 'custom').length;
      if (beats >= atLeast || Date.now() > deadline) return beats;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('loads the example collector by path; its events reach the graph through its own transformer', async () => {
    const loaded = await load('path.yaml', `cluster: lab\nplugins:\n  - ./${relative(dir, EXAMPLE_ENTRY)}\ncollectors:\n  heartbeat:\n    node: lab-node-1\n    interval: 50ms\n`);
    const { composition, runtime } = await run(loaded, recordingLogger());
    expect(composition.pluginFailures).toEqual([]);
    expect(composition.activePlugins).toContain('heartbeat');
    expect(composition.transformers.some((transformer) => transformer.sources.includes('heartbeat'))).toBe(true);
    expect(await heartbeatsInGraph(composition, 'lab-node-1', 2)).toBeGreaterThanOrEqual(2);
    const node = await composition.graph.resource({ kind: 'Node', name: 'lab-node-1', cluster: 'lab' });
    expect(node?.key).toBe('lab/Node/_/lab-node-1');
    expect(runtime.health()['collectors']).toMatchObject({ heartbeat: { status: 'ok' } });
    expect(runtime.pipelineStats().rejected.transform).toBe(0);
  });

  it('loads the example collector by package name', async () => {
    const loaded = await load('package.yaml', 'cluster: lab\nplugins:\n  - "@acme/tapio-collector-heartbeat"\ncollectors:\n  heartbeat:\n    node: lab-node-2\n    interval: 50ms\n');
    const { composition } = await run(loaded, recordingLogger());
    expect(composition.pluginFailures).toEqual([]);
    expect(await heartbeatsInGraph(composition, 'lab-node-2', 1)).toBeGreaterThanOrEqual(1);
  });

  it('reports broken, duplicate and unknown plugins by name while the others keep running', async () => {
    const yaml = [
      'cluster: lab',
      'plugins:',
      '  - ./dup-replay.mjs',
      '  - ./throws-register.mjs',
      '  - ./throws-start.mjs',
      '  - ./needs-nothing-provides.mjs',
      '  - ./missing.mjs',
      '  - ./not-a-plugin.mjs',
      `  - ./${relative(dir, EXAMPLE_ENTRY)}`,
      'collectors:',
      '  heartbeat:',
      '    node: lab-node-3',
      '    interval: 50ms',
      '  broken-register: {}',
      '  broken-start: {}',
      '  needy: {}',
      '  nosuch: {}',
      '',
    ].join('\n');
    const loaded = await load('broken.yaml', yaml);
    const logger = recordingLogger();
    const { composition, runtime } = await run(loaded, logger);
    const failures = Object.fromEntries(composition.pluginFailures.map((failure) => [failure.id, failure.message]));
    expect(Object.keys(failures).sort()).toEqual(['./missing.mjs', './not-a-plugin.mjs', 'broken-register', 'needy', 'nosuch', 'replay']);
    expect(failures['./missing.mjs']).toMatch(/^cannot load plugin module "\.\/missing\.mjs": /);
    expect(failures['./not-a-plugin.mjs']).toBe('plugin module "./not-a-plugin.mjs" exports no plugin descriptor (an object with id, kind, needs and register; see docs/plugins.md)');
    expect(failures['replay']).toBe('duplicate plugin id "replay": ./dup-replay.mjs and built-in both define it; keeping built-in');
    expect(failures['broken-register']).toBe('plugin "broken-register" (./throws-register.mjs) failed to register: license key missing');
    expect(failures['needy']).toBe('plugin "needy" (./needs-nothing-provides.mjs) failed to register: needs "thing" (NoSuchPort), which nothing provides');
    expect(failures['nosuch']).toMatch(new RegExp(`^${loaded.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:17:\\d+ collectors\\.nosuch: no collector plugin with id "nosuch" \\(known: .*heartbeat.*\\)`));

    // Every failure is logged as an error naming the plugin.
    const logged = logger.records.filter((record) => record.level === 'error').map((record) => String(record.fields['plugin'] ?? record.fields['collector']));
    expect(logged).toEqual(expect.arrayContaining(['./missing.mjs', './not-a-plugin.mjs', 'broken-register', 'needy', 'nosuch', 'replay', 'broken-start']));

    // The collector that throws in start is down, by name; the rest run.
    expect(composition.activePlugins).toEqual(expect.arrayContaining(['heartbeat', 'broken-start']));
    expect(runtime.health()['collectors']).toMatchObject({
      'broken-start': { status: 'down', reason: 'collector "broken-start" failed to start: cannot open /dev/broken' },
      heartbeat: { status: 'ok' },
    });
    expect(await heartbeatsInGraph(composition, 'lab-node-3', 2)).toBeGreaterThanOrEqual(2);
  });

  it("rejects an invalid plugin section with its YAML path and line, from the plugin's own schema", async () => {
    const loaded = await load('bad-section.yaml', `plugins:\n  - ./${relative(dir, EXAMPLE_ENTRY)}\ncollectors:\n  heartbeat:\n    interval: often\n    nodes: [a]\n`);
    const error = await compose(loaded, recordingLogger()).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((problem) => [problem.path, problem.line, problem.message]).sort((a, b) => Number(a[1]) - Number(b[1]));
    expect(problems).toEqual([
      ['collectors.heartbeat.interval', 5, 'invalid duration (use e.g. 500ms, 30s, 5m, 2h, 1d; at most 3650d)'],
      ['collectors.heartbeat.nodes', 6, 'unknown key "nodes"'],
    ]);
    expect((error as ConfigError).message).toContain(`${loaded.file}:6:5 collectors.heartbeat.nodes: unknown key "nodes"`);
  });
});
