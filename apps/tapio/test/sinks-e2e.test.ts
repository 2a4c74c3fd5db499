import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '@tapio/sinks';
import { freePort } from '../../../tools/net/free-port.mjs';
import { HttpReceiver } from '../../../libs/integrations/sinks/test/support/http-receiver.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');
const SECRET = 'e2e-webhook-secret-0123';

interface Delivery {
  change: 'new' | 'changed' | 'resolved';
  insight: { id: string; severity: string; symptoms: unknown[]; confidence: number };
}

/** ./bin/tapio with the three sink plugins configured: what each receives, what /readyz and /metrics say. */
describe('tapio run with sinks', () => {
  let dir: string;
  let hook: HttpReceiver;
  let slack: HttpReceiver;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-sinks-e2e-'));
    hook = await new HttpReceiver().start();
    slack = await new HttpReceiver().start();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await hook?.stop();
    await slack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('notifies once per incident with updates and a resolution, routes, retries, and reports failures in health and metrics', async () => {
    const port = await freePort();
    slack.fail(1000, 500);
    await writeFile(
      join(dir, 'tapio.yaml'),
      [
        'cluster: demo',
        'api:',
        `  port: ${port}`,
        'outputs:',
        '  resolveAfter: 3s',
        'sinks:',
        '  webhook:',
        `    url: ${hook.url}/tapio`,
        `    secret: ${SECRET}`,
        '    route:',
        '      namespaces: [shop]',
        '  slack:',
        `    webhookUrl: ${slack.url}/services/x`,
        '    retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 }',
        '    circuit: { failures: 2, halfOpenAfterMs: 60000 }',
        '  alertmanager:',
        '    url: http://127.0.0.1:9',
        '    route: { minSeverity: critical }',
        'collectors:',
        '  replay:',
        `    file: ${RECORDING}`,
        '',
      ].join('\n'),
    );
    child = spawn(join(ROOT, 'bin/tapio'), ['-config', join(dir, 'tapio.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!hook.json<Delivery>().some((item) => item.change === 'resolved')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no resolution reached the webhook; got ${hook.received.length} deliveries; log:\n${log.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const deliveries = hook.json<Delivery>();
    const ids = [...new Set(deliveries.map((item) => item.insight.id))];
    for (const id of ids) {
      const mine = deliveries.filter((item) => item.insight.id === id).map((item) => item.change);
      expect(mine[0], `first notification of ${id}`).toBe('new');
      expect(mine.filter((change) => change === 'new')).toHaveLength(1);
      expect(mine.filter((change) => change === 'resolved').length).toBeLessThanOrEqual(1);
    }
    // Updates carry news: no two deliveries of one incident say the same thing.
    const said = deliveries.map((item) => `${item.insight.id}|${item.change}|${item.insight.severity}|${item.insight.symptoms.length}|${item.insight.confidence}`);
    expect(new Set(said).size).toBe(said.length);
    for (const request of hook.received) {
      expect(request.headers['x-tapio-signature']).toBe(webhookSignature(SECRET, String(request.headers['x-tapio-timestamp']), request.body));
    }
    // One log line per new, changed or resolved insight.
    const logged = log.split('\n').filter((line) => /"msg":"insight( updated| resolved)?: /.test(line));
    expect(logged).toHaveLength(deliveries.length);

    const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { status: string; components: Record<string, { status: string; reason?: string }> };
    expect(ready.status).toBe('degraded');
    expect(ready.components['sinks/slack']).toMatchObject({ status: 'degraded' });
    expect(ready.components['sinks/slack']?.reason).toContain('answered 500');
    expect(ready.components['sinks/webhook']?.status).toBe('ok');
    expect(ready.components['sinks/alertmanager']?.status).toBe('ok');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain(`tapio_sink_notifications_total{sink="webhook",outcome="sent"} ${deliveries.length}`);
    // Slack keeps failing: its breaker is open and its notifications are held, not given up.
    expect(ready.components['sinks/slack']?.reason).toMatch(/^circuit open: [1-9]\d* notifications held/);
    expect(metrics).toContain('tapio_circuit_state{circuit="sink:slack",state="open"} 1');
    expect(metrics).toMatch(/tapio_sink_queued\{sink="slack"\} [1-9]/);
    expect(metrics).not.toMatch(/tapio_sink_notifications_total\{sink="slack",outcome="(failed|dropped)"\} [1-9]/);
    expect(metrics).toMatch(/tapio_sink_retries_total\{sink="slack"\} [1-9]/);
    expect(metrics).toMatch(/tapio_sink_notifications_total\{sink="alertmanager",outcome="filtered"\} [1-9]/);
    expect(slack.received).toHaveLength(0);

    child.kill('SIGTERM');
    await new Promise((resolve) => child?.once('close', resolve));
    child = undefined;
  }, 120_000);

  it('refuses a mistaken sink section with file, line and key, and a sink with a bad URL', async () => {
    await writeFile(join(dir, 'bad.yaml'), ['sinks:', '  webhook:', '    url: not-a-url', '    route:', '      minSeverty: high', ''].join('\n'));
    const bad = spawn(join(ROOT, 'bin/tapio'), ['-config', join(dir, 'bad.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    bad.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => bad.once('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, 'bad.yaml')}:5:7 sinks.webhook.route.minSeverty: unknown key "minSeverty"`);
    await writeFile(join(dir, 'bad-url.yaml'), ['sinks:', '  slack:', '    webhookUrl: not-a-url', ''].join('\n'));
    const badUrl = spawn(join(ROOT, 'bin/tapio'), ['-config', join(dir, 'bad-url.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let urlErr = '';
    badUrl.stderr?.on('data', (chunk: Buffer) => (urlErr += chunk.toString()));
    expect(await new Promise<number | null>((resolve) => badUrl.once('close', resolve))).toBe(2);
    expect(urlErr).toMatch(/bad-url\.yaml:3:17 sinks\.slack\.webhookUrl: /);
  });
});
