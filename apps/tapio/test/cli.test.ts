import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killStartedTapios, startTapio } from './support/tapio-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');

const tapio = (args: string[], cwd: string) => startTapio(args, cwd).finished;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Snapshot records of one kind. */
async function snapshotRecords(file: string, kind: string): Promise<Array<Record<string, any>>> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { k?: string; v?: Record<string, any> })
    .filter((record) => record.k === kind)
    .map((record) => record.v as Record<string, any>);
}

describe('./bin/tapio', () => {
  let dir: string;

  beforeAll(async () => {
    // The command runs the built app: build it (and the example plugin) the way setup does.
    dir = await mkdtemp(join(tmpdir(), 'tapio-cli-'));
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'apps/tapio', 'examples/tapio-collector-heartbeat'], { cwd: ROOT }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`building the app failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
  }, 300_000);

  afterAll(async () => {
    killStartedTapios();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints its version', async () => {
    const { code, stdout } = await tapio(['version'], dir);
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(code).toBe(0);
    expect(stdout).toBe(`tapio ${version} (node ${process.version})\n`);
    expect((await tapio(['--version'], dir)).stdout).toBe(stdout);
  });

  it('prints its help with --help, -h and help, and each command its own', async () => {
    for (const args of [['--help'], ['-h'], ['help'], ['-help']]) {
      const { code, stdout } = await tapio(args, dir);
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: tapio [options] [command]');
      expect(stdout).toContain('2  usage, configuration or input error');
    }
    for (const args of [['run', '--help'], ['help', 'run']]) {
      const { code, stdout } = await tapio(args, dir);
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: tapio run [options]');
      expect(stdout).toContain('--mode <mode>');
      expect(stdout.replace(/\s+/g, ' ')).toContain('(choices: "all", "collectors", "transformer", "correlation", "api")');
    }
  });

  it('exits 2 on an unknown command or mode, saying which', async () => {
    const command = await tapio(['frobnicate'], dir);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("tapio: unknown command 'frobnicate'");
    const mode = await tapio(['-mode', 'sideways'], dir);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain("tapio: option '--mode <mode>' argument 'sideways' is invalid. Allowed choices are all, collectors, transformer, correlation, api.");
    const missing = await tapio(['-config'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("tapio: option '--config <file>' argument missing");
  });

  it('exits 2 on a configuration error, naming file and line', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'cluster: demo\ngraph:\n  memory:\n    maxEvnets: 10\n');
    const { code, stderr } = await tapio(['-config', file], dir);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}:4:5 graph.memory.maxEvnets: unknown key "maxEvnets"`);
    const absent = await tapio(['--config', join(dir, 'absent.yaml')], dir);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain(`${join(dir, 'absent.yaml')} cannot read the configuration file (ENOENT)`);
  });

  it('says a mode this set-up cannot run is not available and exits 3', async () => {
    const file = join(dir, 'embedded.yaml');
    await writeFile(file, 'cluster: demo\nlog:\n  level: error\n');
    const { code, stderr } = await tapio(['-config', file, '-mode', 'collectors'], dir);
    expect(code).toBe(3);
    expect(stderr).toContain('mode "collectors" runs one stage of a distributed Tapio and needs a shared bus (bus.type: nats); with the embedded bus use mode "all"');
  });

  it('exits 1 saying which address is taken when the REST API cannot listen', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const file = join(dir, 'taken.yaml');
    await writeFile(file, `cluster: demo\nlog:\n  level: error\napi:\n  port: ${port}\n`);
    const { code, stderr } = await tapio(['-config', file, '-mode', 'api'], dir);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(code).toBe(1);
    expect(stderr).toContain(`api: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
  });

  it('flushes what a replay delivered into the snapshot on SIGTERM, with a third-party plugin loaded by package name', async () => {
    const snapshot = join(dir, 'state', 'graph.ndjson');
    const file = join(dir, 'replay.yaml');
    await writeFile(
      file,
      [
        'cluster: demo',
        'log:',
        '  level: info',
        '  format: json',
        'graph:',
        '  memory:',
        '    snapshotFile: state/graph.ndjson',
        'api:',
        '  port: 0',
        'plugins:',
        '  - "@acme/tapio-collector-heartbeat"',
        'collectors:',
        '  replay:',
        `    file: ${RECORDING}`,
        '  heartbeat:',
        '    node: cli-node',
        '    interval: 100ms',
        '',
      ].join('\n'),
    );
    const run = startTapio(['-config', file], dir);
    await waitFor(() => run.log().includes('replay finished'), 'the replay to finish');
    await waitFor(() => (run.log().match(/heartbeat/g) ?? []).length > 0, 'the heartbeat collector');
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.finished;
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('"msg":"tapio stopped"');

    const events = await snapshotRecords(snapshot, 'event');
    const configChange = events.find((event) => event.type === 'config_changed');
    expect(configChange?.message).toBe('ConfigMap shop/checkout-config changed: application.yaml: line 12 added: "   applePay: true"');
    // The changed line is stored with the event (the graph snapshot), for the story and the API.
    expect(configChange?.kubernetes?.changes).toEqual([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 12, after: '   applePay: true' }] }]);
    expect(events.some((event) => event.type === 'crash_loop' && event.entity?.name === 'checkout-h255j8bmp-5rkwm')).toBe(true);
    expect(events.some((event) => event.source === 'heartbeat' && event.entity?.name === 'cli-node')).toBe(true);
    // Everything the pipeline accepted from the recording is in the graph, not just what came early.
    const lastReplayed = events.filter((event) => event.source === 'kubeapi').map((event) => event.timestamp).sort().pop();
    expect(lastReplayed).toBe('2026-03-02T10:21:27Z');
    const nodes = await snapshotRecords(snapshot, 'node');
    expect(nodes.some((node) => node.key === 'prod-west/ConfigMap/shop/checkout-config')).toBe(true);
  }, 120_000);

  it('after a restart from its snapshot, reports a ConfigMap edited while it was down as changed and an unchanged one not again', async () => {
    const configMap = (name: string, uid: string, resourceVersion: string, data: Record<string, string>, timestamp: string) =>
      JSON.stringify({ timestamp, type: 'ADDED', source: 'kubeapi', metadata: { cluster: 'demo', collector: 'kubeapi' }, data: { type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', uid, resourceVersion }, data } } });
    const before = join(dir, 'before.ndjson');
    const after = join(dir, 'after.ndjson');
    await writeFile(before, [configMap('flags', 'cm-flags', '1', { rollout: 'off' }, '2026-03-02T10:00:00Z'), configMap('limits', 'cm-limits', '3', { cpu: '2' }, '2026-03-02T10:00:00Z'), ''].join('\n'));
    // What the collector's list delivers when Tapio is back: flags was edited meanwhile, limits was not.
    await writeFile(after, [configMap('flags', 'cm-flags', '9', { rollout: 'on' }, '2026-03-02T11:00:00Z'), configMap('limits', 'cm-limits', '3', { cpu: '2' }, '2026-03-02T11:00:00Z'), ''].join('\n'));
    const config = (recording: string) =>
      ['cluster: demo', 'graph:', '  memory:', '    snapshotFile: restart/graph.ndjson', 'api:', '  port: 0', 'collectors:', '  replay:', `    file: ${recording}`, ''].join('\n');
    for (const recording of [before, after]) {
      await writeFile(join(dir, 'restart.yaml'), config(recording));
      const run = startTapio(['-config', join(dir, 'restart.yaml')], dir);
      await waitFor(() => run.log().includes('replay finished'), 'the replay to finish');
      run.child.kill('SIGTERM');
      const { code, stderr } = await run.finished;
      expect(code, stderr).toBe(0);
    }
    const events = await snapshotRecords(join(dir, 'restart', 'graph.ndjson'), 'event');
    const about = (name: string) => events.filter((event) => event.entity?.name === name).map((event) => `${event.type}: ${event.message}`);
    expect(about('flags')).toEqual(['resource_created: ConfigMap shop/flags exists', 'config_changed: ConfigMap shop/flags changed while Tapio was not watching: data edited']);
    expect(about('limits')).toEqual(['resource_created: ConfigMap shop/limits exists']);
  }, 120_000);
});
