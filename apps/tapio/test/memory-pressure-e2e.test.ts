import { execFileSync } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/net/free-port.mjs';
import { readRecording, remapUids, renameEverywhere, retime, type RecordedLine } from './support/recording-variants.js';
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';
import { startTapio, stopTapio, waitFor, type TapioProcess, replayCollectorYaml } from './support/tapio-process.js';

// Degradation by memory pressure, end to end: ./bin/tapio with a small heap (Node's
// --max-old-space-size) and `degradation.degradedHeapRatio` below it, fed a cluster that
// grows by thousands of pods (ballast: what Tapio must remember of live objects) until
// /readyz says degraded, then a configmap cascade: matching goes on (the incident is
// found) but its prediction is skipped; then the ballast pods are deleted (every bound
// on deleted objects is small) and the mode must come back to normal by itself.

// Heap limit 208 MB (old space 160 MB and the young generation, on Node 20). Measured at
// load 17-30: Tapio uses ~45 MB after the first cascade (0.22 of the limit) and 70-90 MB right
// after the ballast is deleted (garbage included), each ballast pod costs 8-11 KB, so the
// threshold at 0.5 (104 MB) is crossed at 5,000-8,000 pods; half as many again on top keep
// the live heap, not just its garbage, above it while the second cascade is matched.
const OLD_SPACE_MB = 160;
const DEGRADED_RATIO = 0.5;
const CASCADE = readRecording(join(fileURLToPath(SHARED_SCENARIOS), 'configmap-cascade.ndjson'));
const CASCADE_END = Date.parse(CASCADE.at(-1)?.timestamp ?? '');

interface Readiness {
  status: string;
  components: Record<string, { status: string; reason?: string; details?: Record<string, unknown> }>;
}

/** The heap limit V8 gives this Node binary with --max-old-space-size=OLD_SPACE_MB (old space plus the young generation, which differs by Node version). */
function heapLimitMb(): number {
  const script = "process.stdout.write(String(require('node:v8').getHeapStatistics().heap_size_limit))";
  return Number(execFileSync(process.execPath, [`--max-old-space-size=${OLD_SPACE_MB}`, '-e', script], { encoding: 'utf8' })) / 2 ** 20;
}

/** The cascade again under other names and uids (namespace shop -> `namespace`), `shiftMs` later. */
function cascadeIn(namespace: string, shiftMs: number): RecordedLine[] {
  return retime(remapUids(renameEverywhere(CASCADE, { shop: namespace }), namespace), { shiftMs });
}

/** A ballast pod: one of many a namespace grows by, with the labels and annotations a real pod carries. */
function ballastPod(index: number, type: 'ADDED' | 'DELETED', at: number, version: number): string {
  const name = `ballast-${index}`;
  // 40 labels of 60 characters (of the 512 a line may carry): what Tapio keeps of a pod (its topology node, its last versions) is some 10 KB.
  const labels = Object.fromEntries(Array.from({ length: 40 }, (_, label) => [`ballast.example.com/label-${label}`, `${index}-${label}-`.padEnd(60, 'v')]));
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ballast',
      uid: `ballast-uid-${index}`,
      resourceVersion: String(version),
      creationTimestamp: new Date(at).toISOString(),
      labels: { app: `ballast-${index % 40}`, ...labels },
    },
    spec: { nodeName: `node-${index % 8}`, containers: [{ name: 'app', image: 'registry.local/ballast:1', env: [{ name: 'INDEX', value: String(index) }] }] },
    status: { phase: 'Running', podIP: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
  };
  return JSON.stringify({ timestamp: new Date(at).toISOString(), source: 'kubeapi', type, metadata: { cluster: 'prod-west', collector: 'kubeapi' }, data: { type, object } });
}

describe('degraded running under memory pressure: a real process with a small heap', () => {
  let dir: string;
  let proc: TapioProcess | undefined;
  let feed: WriteStream | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-memory-pressure-'));
  });

  afterAll(async () => {
    feed?.destroy();
    await stopTapio(proc, 5_000);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('goes degraded when the heap fills (visible in /readyz and metrics), keeps matching but skips predictions, and comes back to normal when the pressure goes', async () => {
    const limitMb = heapLimitMb();
    const fifo = join(dir, 'feed.ndjson');
    execFileSync('mkfifo', [fifo]);
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    await writeFile(
      join(dir, 'tapio.yaml'),
      [
        'log: { level: warn, format: json }',
        'bus: { type: embedded }',
        // Deleted objects are forgotten early (topology nodes, transformer tombstones), events bounded: the ballast is what live pods cost.
        'graph: { type: memory, memory: { maxEvents: 2000, maxDeletedResources: 100 } }',
        'limits: { maxDeletedObjects: 100 }',
        'correlation: { window: 30m, maxEvents: 2000 }',
        // Read-only would stop taking events, the deletions too: only the degraded threshold is under test here.
        `degradation: { degradedHeapRatio: ${DEGRADED_RATIO}, readOnlyHeapRatio: 1 }`,
        `api: { port: ${port} }`,
        ...replayCollectorYaml(fifo),
        '',
      ].join('\n'),
    );
    const tapio = startTapio(['-config', join(dir, 'tapio.yaml')], dir, { env: { ...process.env, NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --max-old-space-size=${OLD_SPACE_MB}`.trim() } });
    proc = tapio;
    const tail = () => tapio.log().slice(-3000);
    feed = createWriteStream(fifo);
    const send = (lines: readonly string[]) => new Promise<void>((resolve, reject) => feed?.write(`${lines.join('\n')}\n`, (error) => (error ? reject(error) : resolve())));
    const readyz = async () => (await (await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(10_000) })).json()) as Readiness;
    const metrics = async () => (await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const heapMb = async () => Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(await metrics())?.[1]) / 2 ** 20;
    const insightOf = async (namespace: string) => {
      const page = (await (await fetch(`${api}/api/v1/insights?limit=100`)).json()) as { items: Array<{ id: string; predictionId?: string; rootCause: { entity: { namespace?: string } } }> };
      return page.items.find((item) => item.rootCause.entity.namespace === namespace);
    };
    const predictionStatus = async (id: string) => (await fetch(`${api}/api/v1/predictions/${encodeURIComponent(id)}`)).status;
    const modeMetric = (text: string, mode: string) => Number(new RegExp(`^tapio_running_mode\\{mode="${mode}"\\} (\\S+)`, 'm').exec(text)?.[1]);
    const resources = async () => Number((await readyz()).components['graph']?.details?.['resources']);
    const progress = async (what: string) => console.log(`${what}: heap ${(await heapMb()).toFixed(1)} MB of ${limitMb.toFixed(0)} MB, graph ${await resources()} resources`);

    // Normal: a cascade is matched and its prediction stored.
    await waitFor('the API', async () => ((await readyz()).components['mode'] ? true : undefined), 120_000, tail);
    await send(CASCADE.map((line) => JSON.stringify(line)));
    const first = await waitFor('the first cascade matched', () => insightOf('shop'), 120_000, tail);
    expect(first.predictionId).toBeDefined();
    await waitFor('its prediction stored', async () => ((await predictionStatus(first.predictionId as string)) === 200 ? true : undefined), 60_000, tail);
    expect((await readyz()).components['mode']?.details?.['mode']).toBe('normal');
    const base = await resources();
    await progress('after the first cascade');

    // The cluster grows: ballast pods until the heap passes the degraded threshold, then as many again as a margin.
    let version = 20_000_000;
    let at = CASCADE_END + 60_000;
    let pods = 0;
    const grow = async (count: number) => {
      const lines: string[] = [];
      for (let step = 0; step < count; step += 1, pods += 1) lines.push(ballastPod(pods, 'ADDED', (at += 5), (version += 1)));
      await send(lines);
      // Taken: every ballast pod is in the graph's topology.
      let seen = 0;
      await waitFor(`${pods} ballast pods in the graph`, async () => ((seen = await resources()) >= base + pods ? true : undefined), 240_000, () => `${tail()}\ngraph resources ${seen} (${base} before the ballast)`, 500);
    };
    let degraded: Readiness | undefined;
    while (!degraded) {
      expect(pods, `the heap never reached ${DEGRADED_RATIO} of ${limitMb} MB`).toBeLessThan(60_000);
      await grow(1_000);
      await progress(`${pods} ballast pods`);
      const ready = await readyz();
      if (ready.components['mode']?.details?.['mode'] === 'degraded') degraded = ready;
    }
    await grow(Math.ceil(pods / 2));
    await progress(`${pods} ballast pods (margin)`);
    const pressed = await readyz();
    expect(pressed.components['mode']?.details?.['mode']).toBe('degraded');
    expect(pressed.components['mode']?.reason).toMatch(/^degraded: memory: \d+% of the heap limit in use \(predictions skipped from 50%\)$/);
    const pressedMetrics = await metrics();
    expect(modeMetric(pressedMetrics, 'degraded')).toBe(1);
    expect(modeMetric(pressedMetrics, 'normal')).toBe(0);

    // Degraded: the second cascade is matched, its prediction skipped.
    const second = cascadeIn('shop2', at + 60_000 - Date.parse(CASCADE[0]?.timestamp ?? ''));
    at = Date.parse(second.at(-1)?.timestamp ?? '');
    await send(second.map((line) => JSON.stringify(line)));
    const matched = await waitFor('the second cascade matched while degraded', () => insightOf('shop2'), 120_000, tail);
    expect(matched.predictionId).toBeDefined();
    expect(await predictionStatus(matched.predictionId as string)).toBe(404);
    expect((await readyz()).components['mode']?.details?.['mode']).toBe('degraded');

    // The pressure goes: the ballast pods are deleted; the mode comes back by itself.
    const held = await resources();
    const deletions: string[] = [];
    for (let index = 0; index < pods; index += 1) deletions.push(ballastPod(index, 'DELETED', (at += 5), (version += 1)));
    await send(deletions);
    // Taken: the topology keeps at most maxDeletedResources (100) of the deleted pods.
    let left = 0;
    await waitFor('the ballast pods forgotten', async () => ((left = await resources()) <= held - pods + 100 ? true : undefined), 300_000, () => `${tail()}\ngraph resources ${left} (${held} with the ballast of ${pods} pods)`, 500);
    await progress('ballast deleted');
    let reason = '';
    await waitFor('normal mode again', async () => {
      const mode = (await readyz()).components['mode'];
      reason = mode?.reason ?? '';
      return mode?.details?.['mode'] === 'normal' ? true : undefined;
    }, 180_000, () => `${tail()}\nlast mode: ${reason}`, 1_000);
    await progress('normal again');
    const relieved = await metrics();
    expect(modeMetric(relieved, 'normal')).toBe(1);
    expect(modeMetric(relieved, 'degraded')).toBe(0);
    expect(tapio.child.exitCode).toBeNull();
  }, 900_000);
});
