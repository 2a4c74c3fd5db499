import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killStartedTapios, startTapio } from './support/tapio-process.js';
import { adjustedConfidence } from '@tapio/domain';
import { DEFAULT_API_PORT } from '@tapio/api';
import { DEFAULT_SERVER } from '@tapio/cli-client';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');
const TOKEN = 'e2e-write-token-0123456789';
const SYMPTOM = 'shop/checkout-h255j8bmp-5rkwm';

/** A clean environment: no token or server inherited from the developer's shell. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { TAPIO_TOKEN: _token, TAPIO_SERVER: _server, TAPIO_API_TOKEN: _api, ...rest } = process.env;
  return { ...rest, ...extra };
}

const start = (args: string[], cwd: string, extraEnv: Record<string, string> = {}) => startTapio(args, cwd, { env: env(extraEnv) });
const tapio = (args: string[], cwd: string, extraEnv: Record<string, string> = {}) => start(args, cwd, extraEnv).finished;

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `tapio run` and resolves with the URL its REST API logged once listening. */
async function serve(args: string[], cwd: string) {
  const server = start(['run', ...args], cwd, { TAPIO_API_TOKEN: TOKEN });
  const url = await waitFor(() => /"msg":"REST API listening"/.test(server.log()) ? /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.log())?.[1] : undefined, 'the REST API to listen');
  return { ...server, url };
}

describe('tapio serving the REST API, asked by tapio why over HTTP', () => {
  let dir: string;
  let config: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-api-e2e-'));
    config = join(dir, 'tapio.yaml');
    await writeFile(
      config,
      ['cluster: demo', 'log:', '  level: info', '  format: json', 'graph:', '  memory:', '    snapshotFile: state/graph.ndjson', 'api:', '  port: 0', 'collectors:', '  replay:', `    file: ${RECORDING}`, ''].join('\n'),
    );
    // ./bin/tapio runs the built app; build it the way setup does (incremental when up to date).
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'apps/tapio'], { cwd: ROOT }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`building the app failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
  }, 300_000);

  afterAll(async () => {
    killStartedTapios();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('agrees with the client on the default address', () => {
    expect(DEFAULT_SERVER).toBe(`http://127.0.0.1:${DEFAULT_API_PORT}`);
  });

  it('answers why, events, insights, patterns and feedback; feedback survives a restart into -mode api', async () => {
    const server = await serve(['-config', config], dir);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitFor(async () => {
      const response = await fetch(`${server.url}/api/v1/insights?pattern=config-cascade`);
      return ((await response.json()) as { items: unknown[] }).items.length > 0 ? true : undefined;
    }, 'the replayed incident to be explained');

    const why = await tapio(['why', 'pod', SYMPTOM, '--server', server.url], dir);
    expect(why.code, why.stderr).toBe(0);
    expect(why.stdout).toContain('Why Pod shop/checkout-h255j8bmp-5rkwm');
    expect(why.stdout).toContain('config-cascade: root cause ConfigMap shop/checkout-config');
    expect(why.stdout).toContain('Causal chain (earliest first):');

    const whyJson = await tapio(['why', 'deploy', 'shop/checkout', '--json', '--server', server.url], dir);
    expect(whyJson.code, whyJson.stderr).toBe(0);
    const answer = JSON.parse(whyJson.stdout) as { entity: { kind: string }; insights: Array<{ predictionId: string; pattern: string }> };
    expect(answer.entity.kind).toBe('Deployment');
    const predictionId = answer.insights[0]?.predictionId as string;
    expect(predictionId).toMatch(/^pred-/);

    const unknown = await tapio(['why', 'pod', 'shop/no-such-pod', '--server', server.url], dir);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('Tapio knows nothing about Pod shop/no-such-pod');

    const events = await tapio(['events', 'pod', SYMPTOM, '--type', 'crash_loop', '--json', '--server', server.url], dir);
    expect(events.code, events.stderr).toBe(0);
    const page = JSON.parse(events.stdout) as { items: Array<{ type: string }> };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((event) => event.type === 'crash_loop')).toBe(true);

    const insights = await tapio(['insights', '--server', server.url], dir);
    expect(insights.code, insights.stderr).toBe(0);
    expect(insights.stdout).toContain(predictionId);

    const noToken = await tapio(['feedback', predictionId, '--accurate', '--server', server.url], dir);
    expect(noToken.code).toBe(5);
    expect(noToken.stderr).toContain('set TAPIO_TOKEN');
    const wrongToken = await tapio(['feedback', predictionId, '--accurate', '--server', server.url], dir, { TAPIO_TOKEN: 'wrong-token-0123456789abc' });
    expect(wrongToken.code).toBe(5);
    expect(wrongToken.stderr).toContain('did not accept TAPIO_TOKEN');
    const missing = await tapio(['feedback', 'pred-nope', '--accurate', '--server', server.url], dir, { TAPIO_TOKEN: TOKEN });
    expect(missing.code).toBe(4);

    const accurate = await tapio(['feedback', predictionId, '--accurate', '--user', 'alice', '--server', server.url], dir, { TAPIO_TOKEN: TOKEN });
    expect(accurate.code, accurate.stderr).toBe(0);
    // A right verdict lifts the confidence above the base (the base weighs as 2.5 verdicts).
    expect(accurate.stdout).toContain('pattern config-cascade confidence now 89% (base 85%, 1 of 1 accurate), learning');
    // The same user again replaces the verdict: still one.
    const repeat = await tapio(['feedback', predictionId, '--accurate', '--user', 'alice', '--server', server.url], dir, { TAPIO_TOKEN: TOKEN });
    expect(repeat.stdout).toContain('Replaced your earlier verdict');
    expect(repeat.stdout).toContain('1 of 1 accurate');
    const inaccurate = await tapio(['feedback', predictionId, '--inaccurate', '--comment', 'it was the image', '--user', 'bob', '--server', server.url], dir, { TAPIO_TOKEN: TOKEN });
    expect(inaccurate.code, inaccurate.stderr).toBe(0);
    expect(inaccurate.stdout).toContain('confidence now 69%');

    const patterns = await tapio(['patterns', 'config-cascade', '--json', '--server', server.url], dir);
    expect(patterns.code, patterns.stderr).toBe(0);
    const learned = JSON.parse(patterns.stdout) as { confidence: number; feedbackCount: number; history: Array<{ comment: string }> };
    expect(learned.feedbackCount).toBe(2);
    expect(learned.confidence).toBeCloseTo(adjustedConfidence(0.85, 1, 2), 10);
    expect(learned.history.map((step) => step.comment)).toEqual(['', 'it was the image']);
    // The open incident's confidence moved with the pattern's.
    const after = JSON.parse((await tapio(['why', 'deploy', 'shop/checkout', '--json', '--server', server.url], dir)).stdout) as { insights: Array<{ confidence: number }> };
    expect(after.insights[0]?.confidence).toBeLessThan(0.85);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/tapio_http_requests_total\{method="GET",route="\/api\/v1\/why\/:kind\/:namespace\/:name",status="200"\} [1-9]/);
    // Verdicts received, the replaced one included.
    expect(metrics).toContain('tapio_feedback_total{pattern="config-cascade",accurate="true"} 2');
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string; components: Record<string, unknown> };
    expect(Object.keys(ready.components)).toEqual(expect.arrayContaining(['bus', 'graph', 'collectors/replay']));
    // GraphQL beside REST: one query for the insight, its root cause and the kinds of its events' entities.
    const graphql = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ insights(pattern: "config-cascade") { items { pattern confidence rootCause { kind namespace name } events { entity { kind } } } } }' }),
    });
    expect(graphql.status).toBe(200);
    const graphqlItems = ((await graphql.json()) as { data: { insights: { items: Array<{ rootCause: unknown; events: Array<{ entity: { kind: string } | null }> }> } } }).data.insights.items;
    expect(graphqlItems[0]?.rootCause).toEqual({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' });
    expect(graphqlItems[0]?.events.map((event) => event.entity?.kind)).toContain('ConfigMap');

    server.child.kill('SIGTERM');
    const stopped = await server.finished;
    expect(stopped.code, stopped.stderr).toBe(0);
    const down = await tapio(['patterns', '--server', server.url], dir);
    expect(down.code).toBe(6);
    expect(down.stderr).toContain(`cannot reach the Tapio server at ${server.url}`);

    // The API alone, over the snapshot the first run saved: same answers, same learned confidence.
    const apiOnly = await serve(['-config', config, '-mode', 'api'], dir);
    const restarted = await tapio(['patterns', 'config-cascade', '--json', '--server', apiOnly.url], dir);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(JSON.parse(restarted.stdout)).toMatchObject({ feedbackCount: 2, accurateCount: 1 });
    expect((JSON.parse(restarted.stdout) as { confidence: number }).confidence).toBeCloseTo(adjustedConfidence(0.85, 1, 2), 10);
    const again = await tapio(['why', 'pod', SYMPTOM, '--server', apiOnly.url], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('root cause ConfigMap shop/checkout-config');
    const third = await tapio(['feedback', predictionId, '--accurate', '--user', 'carol', '--server', apiOnly.url], dir, { TAPIO_TOKEN: TOKEN });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain(`confidence now ${Math.round(adjustedConfidence(0.85, 2, 3) * 100)}%`);
    // Three verdicts: no longer learning; the API alone computes the status from the graph with the same thresholds.
    expect(third.stdout).toContain('active');
    const readyAlone = (await (await fetch(`${apiOnly.url}/readyz`)).json()) as { status: string; components: Record<string, unknown> };
    expect(readyAlone).toMatchObject({ status: 'ok' });
    expect(Object.keys(readyAlone.components)).toEqual(['graph']);
    apiOnly.child.kill('SIGTERM');
    expect((await apiOnly.finished).code).toBe(0);
  }, 240_000);
});
