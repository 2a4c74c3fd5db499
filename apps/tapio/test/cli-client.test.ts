import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tapio/domain';
import { withTokensFromEnv } from '@tapio/api';
import { EXIT, eventsCommand, feedbackCommand, insightsCommand, patternsCommand, whyCommand, type CliArgs, type CliIo } from '@tapio/cli-client';
import { compose, parseConfig, TapioRuntime } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');
const TOKEN = 'client-test-token-0123456789';

function capture(env: Record<string, string> = {}): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', env, now: () => new Date('2026-03-02T12:00:00Z'), stdout: { write: (text: string) => (io.out += text) }, stderr: { write: (text: string) => (io.err += text) } };
  return io;
}

/** The client commands against a Tapio runtime serving the API in process (mode all, replayed scenario). */
describe('tapio client commands against a running Tapio', () => {
  let runtime: TapioRuntime;
  let server: string;
  const run = async (command: (args: CliArgs, io: CliIo) => Promise<number>, positionals: string[], flags: Record<string, string | true> = {}, env: Record<string, string> = {}) => {
    const io = capture(env);
    const code = await command({ positionals, flags: new Map(Object.entries({ server, ...flags })) }, io);
    return { code, out: io.out, err: io.err };
  };

  beforeAll(async () => {
    const loaded = parseConfig(['cluster: demo', 'api:', '  port: 0', 'collectors:', '  replay:', `    file: ${RECORDING}`, ''].join('\n'), join(ROOT, 'client-test.yaml'), {});
    const composition = await compose(loaded, silentLogger);
    runtime = new TapioRuntime(composition, 'all', {
      cluster: loaded.config.cluster,
      busType: 'embedded',
      correlation: loaded.config.correlation,
      baseDir: loaded.baseDir,
      watchPatterns: false,
      api: withTokensFromEnv(loaded.config.api, { TAPIO_API_TOKEN: TOKEN }),
    });
    await runtime.start();
    await runtime.finiteCollectorsDone();
    server = runtime.apiUrl as string;
    expect(server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('why prints the story with the root cause, chain and events', async () => {
    const { code, out, err } = await run(whyCommand, ['po', 'shop/checkout-h255j8bmp-5rkwm']);
    expect(code, err).toBe(EXIT.ok);
    expect(out).toContain('Why Pod shop/checkout-h255j8bmp-5rkwm: 1 incident');
    expect(out).toMatch(/#1 \[\w+\] config-cascade: root cause ConfigMap shop\/checkout-config \(confidence \d+%, prediction pred-[0-9a-f]+\)/);
    expect(out).toContain('Was this right? tapio feedback pred-');
    expect(out).toContain('Events on Pod shop/checkout-h255j8bmp-5rkwm (newest first):');
    const namespaceFlag = await run(whyCommand, ['svc', 'checkout'], { namespace: 'shop' });
    expect(namespaceFlag.code, namespaceFlag.err).toBe(EXIT.ok);
    expect(namespaceFlag.out).toContain('Service shop/checkout');
    const node = await run(whyCommand, ['node', 'node-1'], { json: true });
    expect(node.code, node.err).toBe(EXIT.ok);
    expect(JSON.parse(node.out).entity).toMatchObject({ kind: 'Node', name: 'node-1' });
  });

  it('why narrows to a time range and says when nothing explains the entity', async () => {
    const { code, out } = await run(whyCommand, ['pod', 'shop/checkout-h255j8bmp-5rkwm'], { until: '2026-03-01T00:00:00Z' });
    expect(code).toBe(EXIT.ok);
    const [said, ...dependencies] = out.trimEnd().split('\n');
    expect(said).toBe('No incident explains Pod shop/checkout-h255j8bmp-5rkwm and it has no events in that range.');
    // What it depends on is known however narrow the range: the recording's ConfigMap names its upstreams.
    expect(dependencies).toContain('  Deployment shop/checkout -> Service shop/cart: its ConfigMap shop/checkout-config names cart.shop.svc.cluster.local');
  });

  it('events pages with a cursor hint, and filters', async () => {
    const first = await run(eventsCommand, [], { limit: '5' });
    expect(first.code, first.err).toBe(EXIT.ok);
    const lines = first.out.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    const cursor = /More: add --cursor (\S+)/.exec(first.out)?.[1] as string;
    expect(cursor).toBeDefined();
    const firstPage = JSON.parse((await run(eventsCommand, [], { limit: '5', json: true })).out) as { items: Array<{ id: string }>; nextCursor: string };
    expect(firstPage.nextCursor).toBe(cursor);
    const second = await run(eventsCommand, [], { limit: '5', cursor, json: true });
    const page = JSON.parse(second.out) as { items: Array<{ id: string }> };
    expect(page.items).toHaveLength(5);
    const firstIds = new Set(firstPage.items.map((item) => item.id));
    expect(page.items.filter((item) => firstIds.has(item.id))).toEqual([]);
    const crashes = await run(eventsCommand, ['pod', 'shop/checkout-h255j8bmp-5rkwm'], { type: 'crash_loop' });
    expect(crashes.out.split('\n').filter(Boolean).every((line) => line.includes('crash_loop'))).toBe(true);
    const bad = await run(eventsCommand, [], { type: 'explosion' });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toContain('unknown event type "explosion"');
  });

  it('insights lists and tells one; patterns lists and details', async () => {
    const list = await run(insightsCommand, []);
    expect(list.code, list.err).toBe(EXIT.ok);
    const id = /(ins-[0-9a-f]+)/.exec(list.out)?.[1] as string;
    expect(id).toBeDefined();
    const one = await run(insightsCommand, [id]);
    expect(one.out).toContain(`id ${id}`);
    expect(one.out).toContain('checkout-config');
    expect((await run(insightsCommand, ['ins-nope'])).code).toBe(EXIT.notFound);

    const patterns = await run(patternsCommand, []);
    expect(patterns.out.split('\n')[0]).toMatch(/^PATTERN\s+STATUS\s+BASE\s+CONFIDENCE\s+ACCURACY\s+FEEDBACK\s+MATCHES$/);
    expect(patterns.out).toMatch(/config-cascade\s+learning\s+85%\s+85%\s+-\s+0\s+[1-9]\d*/);
    const detail = await run(patternsCommand, ['config-cascade']);
    expect(detail.out).toContain('accuracy            no feedback yet');
    expect((await run(patternsCommand, ['no-such'])).code).toBe(EXIT.notFound);
  });

  it('exposes the runtime in /metrics: pipeline, bus, dead letters, collectors, processing latency, HTTP', async () => {
    await run(whyCommand, ['pod', 'shop/checkout-h255j8bmp-5rkwm']);
    const text = await (await fetch(`${server}/metrics`)).text();
    expect(text).toMatch(/tapio_pipeline_raw_accepted_total\{source="kubeapi"\} [1-9]\d*/);
    expect(text).toMatch(/tapio_correlation_processing_seconds_count [1-9]\d*/);
    expect(text).toMatch(/tapio_bus_published_total [1-9]\d*/);
    expect(text).toContain('tapio_bus_messages_waiting{queue="unified/correlation"} 0');
    expect(text).toContain('# TYPE tapio_dead_letters_total counter');
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/tapio_collector_up\{collector="replay"\} [01]/);
    expect(text).toMatch(/tapio_pattern_matches_total\{pattern="config-cascade"\} [1-9]\d*/);
    expect(text).toMatch(/tapio_http_requests_total\{method="GET",route="\/api\/v1\/why\/:kind\/:namespace\/:name",status="200"\} [1-9]/);
  });

  it('feedback needs the token, moves the pattern and the open incident, and shows in the history', async () => {
    const why = JSON.parse((await run(whyCommand, ['deploy', 'shop/checkout'], { json: true })).out) as { insights: Array<{ predictionId: string; confidence: number }> };
    const predictionId = why.insights[0]?.predictionId as string;
    const before = runtime.correlation?.insights().find((insight) => insight.predictionId === predictionId)?.confidence as number;

    const refused = await run(feedbackCommand, [predictionId], { accurate: true });
    expect(refused.code).toBe(EXIT.unauthorized);
    expect(refused.err).toBe('tapio: missing bearer token: send "Authorization: Bearer <token>" (set TAPIO_TOKEN to the server\'s api.token)\n');
    const wrong = await run(feedbackCommand, [predictionId], { inaccurate: true }, { TAPIO_TOKEN: 'wrong-wrong-wrong-wrong' });
    expect(wrong.code).toBe(EXIT.unauthorized);

    const ok = await run(feedbackCommand, [predictionId], { inaccurate: true, comment: 'it was the image' }, { TAPIO_TOKEN: TOKEN });
    expect(ok.code, ok.err).toBe(EXIT.ok);
    expect(ok.out).toContain('pattern config-cascade confidence now 61% (base 85%, 0 of 1 accurate), learning');
    const after = runtime.correlation?.insights().find((insight) => insight.predictionId === predictionId)?.confidence as number;
    // One wrong verdict against a base worth 2.5 verdicts (both confidences in whole percent: within a percent of that).
    expect(Math.abs(after - (before * 2.5) / 3.5)).toBeLessThan(0.01);
    expect(after).toBeLessThan(before - 0.2);
    const detail = await run(patternsCommand, ['config-cascade']);
    expect(detail.out).toContain('status              learning');
    expect(detail.out).toContain('accuracy            0% (0 of 1 accurate)');
    expect(detail.out).toMatch(/inaccurate {2}-> {2}61% {2}pred-[0-9a-f]+ by \S+ {2}"it was the image"/);

    const reload = await fetch(`${server}/api/v1/patterns/reload`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reload.status).toBe(200);
    expect(((await reload.json()) as { patterns: number }).patterns).toBeGreaterThan(10);
    // A reload keeps the learned confidence: it comes from the stored verdicts.
    expect((await run(patternsCommand, ['config-cascade'])).out).toContain('current confidence  61%');
  });
});
