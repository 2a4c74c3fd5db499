import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killStartedTapios, startTapio, TAPIO } from './support/tapio-process.js';
import { loadBuiltinPatterns } from '@tapio/correlation';
import { freePort } from '../../../tools/net/free-port.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');
const PATTERN = join(ROOT, 'libs/intelligence/correlation/patterns/bad-rollout.yaml');
const TOKEN = 'cli-conventions-token-0123456789';
/** However many patterns Tapio ships today. */
const BUILTIN = loadBuiltinPatterns().length;

/** Starts ./bin/tapio with no token or server inherited from the developer's shell. */
const start = (args: string[], env: Record<string, string> = {}, cwd = ROOT) => startTapio(args, cwd, { env: { ...process.env, TAPIO_TOKEN: '', TAPIO_SERVER: '', ...env } });
const tapio = (args: string[], env: Record<string, string> = {}) => start(args, env).finished;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The command-line conventions of issue 19, through ./bin/tapio: exit statuses, refusals, -n, -o json, offline checks. */
describe('tapio command-line conventions', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-cli-conventions-'));
  });
  afterAll(async () => {
    killStartedTapios();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses unknown options and surplus arguments with exit 2, naming them', async () => {
    const misspelt = await tapio(['insights', '--jsn']);
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toContain("tapio: unknown option '--jsn'");
    expect(misspelt.stderr).toContain('(Did you mean --json?)');
    const analyze = await tapio(['analyze', '--frobnicate', RECORDING]);
    expect(analyze.code).toBe(2);
    expect(analyze.stderr).toContain("tapio: unknown option '--frobnicate'");
    const surplus = await tapio(['why', 'pod', 'shop/a', 'extra']);
    expect(surplus.code).toBe(2);
    expect(surplus.stderr).toContain("tapio: too many arguments for 'why'");
    const format = await tapio(['events', '-o', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'yaml' is invalid. Allowed choices are text, json.");
  });

  it('prints per-command help', async () => {
    const why = await tapio(['why', '--help']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('Usage: tapio why [options] <kind> [ref]');
    expect(why.stdout).toContain('-n, --namespace <namespace>');
    expect(why.stdout).not.toContain('Commands:');
    const validate = await tapio(['patterns', 'validate', '--help']);
    expect(validate.stdout).toContain('Usage: tapio patterns validate [options] <dir>');
  });

  it('exits 2 naming a recording that cannot be read, without a stack trace', async () => {
    const missing = await tapio(['analyze', '/nonexistent.ndjson']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('tapio: cannot read the recording /nonexistent.ndjson (ENOENT)\n');
    expect(missing.stdout).toBe('');
    const directory = await tapio(['analyze', dir]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(`cannot read the recording ${dir}: it is a directory`);
  });

  it('ends quietly with status 0 when its reader closes standard output (tapio help why | head)', async () => {
    // The pipe's reading end is closed before the command starts, so its first write fails with EPIPE.
    const closedReader = async (args: string[]) => {
      const child = spawn(TAPIO, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TAPIO_TOKEN: '', TAPIO_SERVER: '' } });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, stderr };
    };
    expect(await closedReader(['help', 'why'])).toEqual({ code: 0, stderr: '' });
    expect(await closedReader(['analyze', RECORDING, '--json'])).toEqual({ code: 0, stderr: '' });
  });

  it('analyze -o json is --json', async () => {
    const { code, stdout } = await tapio(['analyze', RECORDING, '-o', 'json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { insights: Array<{ pattern: string }> }).insights[0]?.pattern).toBe('config-cascade');
  });

  it('config check accepts a valid file, and names file, line and key of an invalid one', async () => {
    await mkdir(join(dir, 'patterns'));
    await writeFile(join(dir, 'patterns', 'mine.yaml'), (await readFile(PATTERN, 'utf8')).replace('name: bad-rollout', 'name: my-rollout'));
    await writeFile(join(dir, 'good.yaml'), 'cluster: demo\ncorrelation:\n  patterns: [patterns]\n');
    const good = await tapio(['config', 'check', join(dir, 'good.yaml')]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toBe(`${join(dir, 'good.yaml')}: valid (${BUILTIN + 1} behavior patterns, mode all, bus embedded, graph memory)\n`);
    await writeFile(join(dir, 'bad.yaml'), 'cluster: demo\nbus:\n  tpye: nats\n');
    const bad = await tapio(['config', 'check', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(dir, 'bad.yaml')}:3:3 bus.tpye: no bus plugin "tpye" (known: embedded, nats;`);
    // Plugin sections are checked offline by the plugins' own schemas.
    await writeFile(join(dir, 'plugin.yaml'), 'cluster: demo\ngraph:\n  memory:\n    maxEvnets: 10\n');
    const plugin = await tapio(['config', 'check', join(dir, 'plugin.yaml')]);
    expect(plugin.code).toBe(2);
    expect(plugin.stderr).toContain(`${join(dir, 'plugin.yaml')}:4:5 graph.memory.maxEvnets: unknown key "maxEvnets"`);
    await writeFile(join(dir, 'clash.yaml'), 'correlation:\n  patterns: [clash]\n');
    await mkdir(join(dir, 'clash'));
    await writeFile(join(dir, 'clash', 'copy.yaml'), await readFile(PATTERN, 'utf8'));
    const clash = await tapio(['config', 'check', join(dir, 'clash.yaml')]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('pattern "bad-rollout" is already defined in');
  });

  it('patterns validate reads a directory offline: exit 0 when valid, 2 with file and line when not', async () => {
    const valid = await tapio(['patterns', 'validate', join(dir, 'patterns')]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toBe('1 valid pattern in 1 file\n');
    await mkdir(join(dir, 'broken'));
    await writeFile(join(dir, 'broken', 'broken.yaml'), 'apiVersion: behavior.tapio.io/v1\nkind: BehaviorPattern\nmetadata:\n  name: broken\nspec:\n  priority: high\n');
    const invalid = await tapio(['patterns', 'validate', join(dir, 'broken')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(new RegExp(`${join(dir, 'broken', 'broken.yaml')}:\\d+(:\\d+)?: `));
    const absent = await tapio(['patterns', 'validate', join(dir, 'absent')]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toBe(`tapio: cannot read the pattern directory ${join(dir, 'absent')} (ENOENT)\n`);
  });

  it('answers every documented exit status of the client commands against a running Tapio', async () => {
    const port = await freePort();
    await mkdir(join(dir, 'live-patterns'));
    await writeFile(
      join(dir, 'live.yaml'),
      ['cluster: demo', 'log:', '  level: info', 'api:', `  port: ${port}`, 'correlation:', '  patterns: [live-patterns]', 'collectors:', '  replay:', `    file: ${RECORDING}`, ''].join('\n'),
    );
    // -config with one dash, as users run it.
    const run = start(['-config', join(dir, 'live.yaml')], { TAPIO_API_TOKEN: TOKEN });
    await waitFor(() => run.log().includes('replay finished'), 'the replay to finish');
    const server = `http://127.0.0.1:${port}`;
    const env = { TAPIO_SERVER: server };

    const why = await tapio(['why', 'deploy', 'checkout', '-n', 'shop', '-o', 'json'], env);
    expect(why.code, why.stderr).toBe(0);
    expect((JSON.parse(why.stdout) as { entity: unknown }).entity).toMatchObject({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    const notFound = await tapio(['insights', 'no-such-insight'], env);
    expect(notFound.code).toBe(4);
    const noToken = await tapio(['patterns', 'reload'], env);
    expect(noToken.code).toBe(5);
    expect(noToken.stderr).toContain('set TAPIO_TOKEN');
    const reloaded = await tapio(['patterns', 'reload'], { ...env, TAPIO_TOKEN: TOKEN });
    expect(reloaded.code, reloaded.stderr).toBe(0);
    expect(reloaded.stdout).toBe(`Reloaded: ${BUILTIN} patterns active\n`);
    await writeFile(join(dir, 'live-patterns', 'broken.yaml'), 'kind: BehaviorPattern\n');
    const refused = await tapio(['patterns', 'reload', '--json'], { ...env, TAPIO_TOKEN: TOKEN });
    expect(refused.code).toBe(2);
    expect((JSON.parse(refused.stdout) as { errors: Array<{ file: string }> }).errors[0]?.file).toBe(join(dir, 'live-patterns', 'broken.yaml'));

    run.child.kill('SIGTERM');
    expect((await run.finished).code).toBe(0);
    const unreachable = await tapio(['patterns'], env);
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toContain(`cannot reach the Tapio server at ${server}`);
  }, 120_000);
});
