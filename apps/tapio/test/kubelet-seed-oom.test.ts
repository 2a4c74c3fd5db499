import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeletOf, nodeAgentToken } from './support/kubelet-endpoint.js';
import { liveIncident, liveWorkspace, type LiveWorkspace } from './support/live-incident.js';
import { startLiveTapio, stopLiveTapio } from './support/live-tapio.js';
import { startTapio, stopTapio, TAPIO, waitFor, type TapioProcess } from './support/tapio-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
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

// Seed 002's oom-cascade BehaviorPattern, loaded from its file unchanged, on the live cluster:
// the kubeapi collector and the kubelet collector (as the node agent, with its own
// ServiceAccount token under deploy/rbac-node-agent.yaml) while a container leaks toward its
// memory limit (tools/k8s/incidents/memory-leak.sh) until it is OOMKilled.
describe("seed 002's oom-cascade on the live cluster with the kubelet collector", () => {
  let workspace: LiveWorkspace | undefined;
  let dir: string;
  let server: string;
  let tapio: TapioProcess | undefined;
  let recorder: TapioProcess | undefined;
  let liveInsight: InsightItem | undefined;
  const incident = liveIncident('memory-leak.sh', 'leak', 480_000);
  const ns = incident.ns;

  beforeAll(async () => {
    workspace = await liveWorkspace('kubelet');
    ({ dir, server } = workspace);
    const cluster = workspace.cluster;
    const token = await nodeAgentToken(cluster, ROOT);
    await writeFile(join(dir, 'node-agent.token'), token, { mode: 0o600 });
    const kubelet = await kubeletOf(cluster);
    tapio = await startLiveTapio(workspace, incident, [
      'cluster: local',
      'log: { level: info, format: json }',
      'graph: { type: memory }',
      `api: { port: ${workspace.port} }`,
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
    ]);
    // The same collectors recorded beside the live Tapio, for the replay below.
    const recording = startTapio(['record', '-output', join(dir, 'recording.ndjson'), '-config', join(dir, 'tapio.yaml')], dir);
    recorder = recording;
    // Changes of other collectors are written once the API server's starting state is: the
    // first kubelet line means the recording follows changes, so the provoked one is recorded as a change.
    await waitFor('the recording to follow changes', async () => ((await readFile(join(dir, 'recording.ndjson'), 'utf8')).includes('"source":"kubelet_api"') ? true : undefined), 90_000, () => `recorder output:\n${recording.log().slice(-2000)}`, 1000);
  }, 300_000);

  afterAll(() => stopLiveTapio(workspace, incident, recorder, tapio));

  it('the kubelet collector is healthy under its own identity and reports usage against the limit', async () => {
    let last = '';
    await waitFor('the kubelet collector to report ok', async () => {
      const body = (await (await fetch(`${server}/readyz`)).json()) as { components: Record<string, { status: string; reason?: string }> };
      last = JSON.stringify(body.components['collectors/kubelet']);
      return body.components['collectors/kubelet']?.status === 'ok' ? true : undefined;
    }, 30_000, () => last, 1000);
    const usage = await waitFor('a resource_usage event of the leaky pod', async () => {
      const page = (await (await fetch(`${server}/api/v1/events?type=resource_usage&limit=200`)).json()) as Page<EventItem>;
      return page.items.find((event) => event.entity?.name.startsWith('leaky-') && event.metrics?.['memory.limit_bytes'] === 160 * 1024 * 1024);
    }, 60_000, undefined, 1000);
    expect(usage.source).toBe('kubelet_api');
  }, 120_000);

  it('fires when the leaking container, above 85% of its limit, is OOMKilled; the trend warned before the kill', async () => {
    await incident.step('provoke');
    let last = '(no insight yet)';
    const insight = await waitFor(`an oom-cascade insight in namespace ${ns}`, async () => {
      const page = (await (await fetch(`${server}/api/v1/insights?limit=50`)).json()) as Page<InsightItem>;
      last = page.items.map((item) => `${item.pattern}: ${item.rootCause.entity.kind} ${item.rootCause.entity.namespace ?? ''}/${item.rootCause.entity.name}`).join('; ') || '(no insight)';
      return page.items.find((item) => item.pattern === 'oom-cascade' && item.rootCause.entity.namespace === ns);
    }, 420_000, () => `Tapio's insights: ${last}; its output:\n${tapio?.log().slice(-3000)}`, 1000);
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
    expect(tapio?.log()).not.toMatch(/forbidden|kubelet unreachable/i);
  }, 480_000);

  it('a recording of the same collectors (kubeapi and kubelet) replays through tapio analyze to the live answer', async () => {
    expect(liveInsight, 'the live insight of the test before').toBeDefined();
    await stopTapio(recorder);
    expect(recorder?.log()).toMatch(/recorded \d+ events/);
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
