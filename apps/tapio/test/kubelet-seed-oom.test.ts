import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/net/free-port.mjs';
import { useTestCluster, type TestCluster } from '../../../tools/k8s/test-cluster.mjs';
import { kubeletOf, nodeAgentToken } from './support/kubelet-endpoint.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TAPIO = join(ROOT, 'bin/tapio');
const INCIDENT = join(ROOT, 'tools/k8s/incidents/memory-leak.sh');
const SEED_PATTERNS = join(ROOT, 'examples/patterns/seed-002');
const run = promisify(execFile);

interface Page<T> {
  items: T[];
}
interface EventItem {
  type: string;
  timestamp: string;
  source: string;
  entity?: { name: string; namespace?: string | null };
  metrics?: Record<string, number>;
}
interface InsightItem {
  pattern: string;
  rootCause: { entity: { kind: string; name: string; namespace?: string | null }; eventType: string; timestamp: string };
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

// Seed 002's oom-cascade BehaviorPattern, loaded from its file unchanged, on the live cluster:
// the kubeapi collector and the kubelet collector (as the node agent, with its own
// ServiceAccount token under deploy/rbac-node-agent.yaml) while a container leaks toward its
// memory limit (tools/k8s/incidents/memory-leak.sh) until it is OOMKilled.
describe("seed 002's oom-cascade on the live cluster with the kubelet collector", () => {
  let cluster: TestCluster;
  let dir: string;
  let tapio: ChildProcess | undefined;
  let recorder: ChildProcess | undefined;
  let recorderOutput = '';
  let liveInsight: InsightItem | undefined;
  let output = '';
  let server: string;
  const ns = `leak-${randomBytes(3).toString('hex')}`;
  const incident = (step: string) => run('bash', [INCIDENT, step], { env: { ...process.env, INCIDENT_NS: ns }, timeout: 480_000 });

  beforeAll(async () => {
    cluster = await useTestCluster();
    dir = await mkdtemp(join(tmpdir(), 'tapio-kubelet-'));
    const token = await nodeAgentToken(cluster, ROOT);
    await writeFile(join(dir, 'node-agent.token'), token, { mode: 0o600 });
    const kubelet = await kubeletOf(cluster);
    const port = await freePort();
    server = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'tapio.yaml'),
      [
        'cluster: local',
        'log: { level: info, format: json }',
        'graph: { type: memory }',
        `api: { port: ${port} }`,
        `correlation: { builtinPatterns: false, patterns: [${SEED_PATTERNS}] }`,
        'collectors:',
        // Both name the cluster alike (tapio record gives kubeapi the top-level name, tapio run its own default).
        `  kubeapi: { kubeconfig: ${cluster.tapioKubeconfig}, cluster: local }`,
        '  kubelet:',
        `    endpoint: ${kubelet.endpoint}`,
        `    nodeName: ${kubelet.node}`,
        '    cluster: local',
        `    auth: { tokenFile: ${join(dir, 'node-agent.token')} }`,
        `    tls: { ca: ${kubelet.ca}, serverName: ${kubelet.node} }`,
        '    intervalMs: 3000',
        '',
      ].join('\n'),
    );
    await incident('prepare');
    tapio = spawn(TAPIO, ['run', '-config', join(dir, 'tapio.yaml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    tapio.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    tapio.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await poll(`Tapio ready on ${server}; output so far:\n${output.slice(-2000)}`, 90_000, async () => ((await fetch(`${server}/readyz`)).status === 200 ? true : undefined));
    // The same collectors recorded beside the live Tapio, for the replay below.
    recorder = spawn(TAPIO, ['record', '-output', join(dir, 'recording.ndjson'), '-config', join(dir, 'tapio.yaml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    recorder.stdout?.on('data', (chunk: Buffer) => (recorderOutput += chunk.toString()));
    recorder.stderr?.on('data', (chunk: Buffer) => (recorderOutput += chunk.toString()));
    // Changes of other collectors are written once the API server's starting state is: the
    // first kubelet line means the recording follows changes, so the provoked one is recorded as a change.
    await poll(`the recording to follow changes; recorder output:\n${recorderOutput.slice(-2000)}`, 90_000, async () => ((await readFile(join(dir, 'recording.ndjson'), 'utf8')).includes('"source":"kubelet_api"') ? true : undefined));
  }, 300_000);

  afterAll(async () => {
    await stop(recorder);
    await stop(tapio);
    await incident('cleanup').catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the kubelet collector is healthy under its own identity and reports usage against the limit', async () => {
    let last = '';
    await poll('the kubelet collector to report ok', 30_000, async () => {
      const body = (await (await fetch(`${server}/readyz`)).json()) as { components: Record<string, { status: string; reason?: string }> };
      last = JSON.stringify(body.components['collectors/kubelet']);
      return body.components['collectors/kubelet']?.status === 'ok' ? true : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${last}`);
    });
    const usage = await poll('a resource_usage event of the leaky pod', 60_000, async () => {
      const page = (await (await fetch(`${server}/api/v1/events?type=resource_usage&limit=200`)).json()) as Page<EventItem>;
      return page.items.find((event) => event.entity?.name.startsWith('leaky-') && event.metrics?.['memory.limit_bytes'] === 160 * 1024 * 1024);
    });
    expect(usage.source).toBe('kubelet_api');
  }, 120_000);

  it('fires when the leaking container, above 85% of its limit, is OOMKilled; the trend warned before the kill', async () => {
    await incident('provoke');
    let last = '(no insight yet)';
    const insight = await poll(`an oom-cascade insight in namespace ${ns}`, 420_000, async () => {
      const page = (await (await fetch(`${server}/api/v1/insights?limit=50`)).json()) as Page<InsightItem>;
      last = page.items.map((item) => `${item.pattern}: ${item.rootCause.entity.kind} ${item.rootCause.entity.namespace ?? ''}/${item.rootCause.entity.name}`).join('; ') || '(no insight)';
      return page.items.find((item) => item.pattern === 'oom-cascade' && item.rootCause.entity.namespace === ns);
    }).catch((error: Error) => {
      throw new Error(`${error.message}; Tapio's insights: ${last}; its output:\n${output.slice(-3000)}`);
    });
    liveInsight = insight;
    // The root is the leaking release (the Deployment's template change that started the leak) or its pod.
    expect(insight.rootCause.entity.name).toMatch(/^leaky/);

    const events = async (type: string) => ((await (await fetch(`${server}/api/v1/events?type=${type}&limit=500`)).json()) as Page<EventItem>).items.filter((event) => event.entity?.namespace === ns);
    const kills = (await events('oom_killed')).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    const killed = kills[0] as EventItem;
    expect(killed, 'an oom_killed event of the leaky pod').toBeDefined();
    const killedAt = Date.parse(killed.timestamp);
    const ofPod = (list: EventItem[]) => list.filter((event) => event.entity?.name === killed.entity?.name && Date.parse(event.timestamp) <= killedAt);
    const high = ofPod(await events('resource_usage')).filter((event) => (event.metrics?.['memory.usage_percent'] ?? 0) > 85 && killedAt - Date.parse(event.timestamp) <= 300_000);
    expect(high.length, 'kubelet samples above 85% within 5 minutes before the kill').toBeGreaterThan(0);
    const warnings = ofPod(await events('memory_limit_approaching'));
    expect(warnings.length, 'memory_limit_approaching before the kill').toBeGreaterThan(0);
    const earliest = warnings.at(-1) as EventItem;
    expect(killedAt - Date.parse(earliest.timestamp), 'the warning came ahead of the kill (ms)').toBeGreaterThanOrEqual(30_000);
    expect(earliest.metrics?.['memory.minutes_to_limit']).toBeLessThan(5);
    expect(output).not.toMatch(/forbidden|kubelet unreachable/i);
  }, 480_000);

  it('a recording of the same collectors (kubeapi and kubelet) replays through tapio analyze to the live answer', async () => {
    expect(liveInsight, 'the live insight of the test before').toBeDefined();
    await stop(recorder);
    expect(recorderOutput).toMatch(/recorded \d+ events/);
    const recording = await readFile(join(dir, 'recording.ndjson'), 'utf8');
    expect(recording).toContain('"source":"kubelet_api"');
    const live = ((await (await fetch(`${server}/api/v1/insights?limit=100`)).json()) as Page<InsightItem>).items.filter((item) => item.rootCause.entity.namespace === ns);
    const { stdout } = await run(TAPIO, ['analyze', join(dir, 'recording.ndjson'), '--json', '-config', join(dir, 'tapio.yaml')], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    const replayed = (JSON.parse(stdout) as { insights: Array<{ pattern: string | null; rootCause: { kind: string; namespace?: string | null; name: string } }> }).insights.filter((item) => item.rootCause.namespace === ns);
    const answer = (pattern: string | null, root: { kind: string; name: string }) => `${pattern}: ${root.kind}/${root.name}`;
    const liveAnswers = new Set(live.map((item) => answer(item.pattern, item.rootCause.entity)));
    const replayAnswers = new Set(replayed.map((item) => answer(item.pattern, item.rootCause)));
    expect([...replayAnswers], `live: ${[...liveAnswers].join('; ')}; replayed: ${[...replayAnswers].join('; ')}`).toContain(answer((liveInsight as InsightItem).pattern, (liveInsight as InsightItem).rootCause.entity));
    for (const replayAnswer of replayAnswers) expect([...liveAnswers]).toContain(replayAnswer);
  }, 120_000);
});
