import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTool } from '../../../tools/go-tools/go-tools.mjs';
import { freePort } from '../../../tools/net/free-port.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

/** Runs promtool; its output is the failure message when it exits non-zero. */
async function promtool(args: string[], input?: string): Promise<string> {
  const child = spawn(goTool('promtool'), args, { cwd: DEPLOY });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(input ?? '');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`promtool ${args.join(' ')} exited ${code}:\n${output}`);
  return output;
}

/** The dashboard, the alert rules and a real scrape of Tapio, checked by Prometheus' own promtool. */
describe('deploy/: Prometheus rules and the Grafana dashboard', () => {
  let dir: string;
  let scrape: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-promtool-'));
    const port = await freePort();
    // A sink (whose route lets nothing through) so the outputs' metrics are exposed too.
    await writeFile(join(dir, 'tapio.yaml'), `cluster: demo\napi:\n  port: ${port}\nsinks:\n  webhook:\n    url: http://127.0.0.1:9/tapio\n    route: { minSeverity: critical }\ncollectors:\n  replay:\n    file: ${RECORDING}\n`);
    const child = spawn(join(ROOT, 'bin/tapio'), ['-config', join(dir, 'tapio.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!log.includes('"change":"new"')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no insight formed:\n${log.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the alert rules are valid and their unit tests pass', async () => {
    expect(await promtool(['check', 'rules', 'prometheus/tapio-alerts.yaml'])).toContain('SUCCESS: 10 rules found');
    expect(await promtool(['test', 'rules', 'prometheus/tapio-alerts.test.yaml'])).toContain('SUCCESS');
  });

  it("Tapio's own exposition passes promtool's metric lint", async () => {
    const tapioOnly = scrape
      .split('\n')
      .filter((line) => /^(# (HELP|TYPE) )?tapio_/.test(line))
      .join('\n');
    expect(tapioOnly).toContain('tapio_insights_total');
    expect(await promtool(['check', 'metrics'], `${tapioOnly}\n`)).toBe('');
  });

  it('every dashboard query parses and names only metrics Tapio exposes', async () => {
    const dashboard = JSON.parse(await readFile(join(DEPLOY, 'grafana/tapio-dashboard.json'), 'utf8')) as { panels: Panel[] };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets?.map((target) => target.expr) ?? []);
    expect(exprs.length).toBeGreaterThan(10);
    // Grafana's variables are not PromQL: substitute what Grafana would.
    const promql = exprs.map((expr) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h').replaceAll('$instance', '.*'));
    const rules = `groups:\n  - name: dashboard\n    rules:\n${promql.map((expr, index) => `      - record: tapio:dashboard:query${index}\n        expr: ${JSON.stringify(expr)}\n`).join('')}`;
    await writeFile(join(dir, 'dashboard-rules.yaml'), rules);
    expect(await promtool(['check', 'rules', join(dir, 'dashboard-rules.yaml')])).toContain(`SUCCESS: ${promql.length} rules found`);
    const exposed = new Set([...scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`] : [name as string])));
    const used = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\b((?:tapio|process|nodejs)_\w+)/g)].map((match) => match[1] as string)));
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
  });
});
