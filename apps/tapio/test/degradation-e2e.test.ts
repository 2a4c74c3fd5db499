import { execFileSync } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { HttpReceiver } from '../../../libs/integrations/sinks/test/support/http-receiver.js';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { startNeo4j, type Neo4jTestServer } from '../../../tools/neo4j/test-server.mjs';
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';
import { neo4jAnswering } from './support/neo4j-answering.js';
import { storedEventCopies } from './support/stored-events.js';
import { startTapio, waitFor, type TapioProcess, replayCollectorYaml } from './support/tapio-process.js';

// Tapio on a real nats-server and Neo4j, with a webhook sink, fed through a named pipe so the
// test decides when each part of a recording arrives. Each dependency is taken away in turn
// (Neo4j stopped, nats-server stopped, the webhook failing) while a quarter of the recording
// is fed: /readyz must say what is degraded and in which mode Tapio runs, the API must keep
// answering, and after each recovery everything accepted must be in the graph exactly once;
// every insight must reach the webhook.

const RECORDING = join(fileURLToPath(SHARED_SCENARIOS), 'configmap-cascade.ndjson');

interface Readiness {
  status: string;
  components: Record<string, { status: string; reason?: string; details?: Record<string, unknown> }>;
}

/** The UnifiedEvent ids the lines must produce, computed with the same pipeline. */
function expectedIds(lines: readonly string[]): string[] {
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
  const ids = new Set<string>();
  for (const line of lines) {
    const result = pipeline.processLine(line);
    if (result.ok) for (const event of result.events) ids.add(event.id);
  }
  return [...ids];
}

describe('degraded running on real NATS and Neo4j: each dependency away in turn', () => {
  let nats: NatsServerHandle;
  let graph: Neo4jTestServer;
  let driver: Driver;
  let receiver: HttpReceiver;
  let dir: string;
  let proc: TapioProcess | undefined;
  let feed: WriteStream | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-degradation-'));
    [nats, graph, receiver] = await Promise.all([startNatsServer(), startNeo4j(), new HttpReceiver().start()]);
    driver = neo4j.driver(graph.uri);
    // Bolt listening is not Neo4j answering: Tapio starts only once a query returns.
    await neo4jAnswering(driver);
  }, 600_000);

  afterAll(async () => {
    feed?.destroy();
    proc?.child.kill('SIGKILL');
    await driver?.close();
    await Promise.all([nats?.stop(), graph?.stop(), receiver?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports the mode, keeps answering and accepting, and after each recovery has every event exactly once and every insight notified', async () => {
    const lines = (await readFile(RECORDING, 'utf8')).split('\n').filter((line) => line.trim());
    const quarter = Math.ceil(lines.length / 4);
    const parts = [0, 1, 2, 3].map((index) => lines.slice(index * quarter, (index + 1) * quarter));
    const fifo = join(dir, 'feed.ndjson');
    execFileSync('mkfifo', [fifo]);
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const run = `d${Date.now().toString(36)}${process.pid}`;
    await writeFile(
      join(dir, 'tapio.yaml'),
      [
        'log: { level: info, format: json }',
        `bus: { type: nats, nats: { servers: ${nats.url}, streamPrefix: ${run.toUpperCase()}, subjectPrefix: ${run} } }`,
        'graph:',
        '  type: neo4j',
        '  neo4j:',
        `    uri: ${graph.uri}`,
        '    reconnectBackoffMs: { min: 100, max: 1000 }',
        '    circuit: { failures: 2, halfOpenAfterMs: 1000, writeTimeoutMs: 10000, readTimeoutMs: 5000 }',
        `api: { port: ${port} }`,
        'sinks:',
        '  webhook:',
        `    url: ${receiver.url}/tapio`,
        '    retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 20 }',
        '    circuit: { failures: 2, halfOpenAfterMs: 1000 }',
        ...replayCollectorYaml(fifo),
        '',
      ].join('\n'),
    );
    const tapio = startTapio(['-config', join(dir, 'tapio.yaml')], dir);
    proc = tapio;
    const tail = () => tapio.log().slice(-4000);
    feed = createWriteStream(fifo);
    const send = (part: readonly string[]) => new Promise<void>((resolve, reject) => feed?.write(`${part.join('\n')}\n`, (error) => (error ? reject(error) : resolve())));
    const readyz = async () => (await (await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(10_000) })).json()) as Readiness;
    const allStored = (ids: readonly string[], what: string) => waitFor(what, async () => ((await storedEventCopies(driver, ids)).present === ids.length ? true : undefined), 240_000, tail);
    /** The API answers (whatever it answers) within 10 s: it does not hang on a missing dependency. */
    const answers = async (path: string) => {
      const started = Date.now();
      const response = await fetch(`${api}${path}`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      return { status: response.status, ms: Date.now() - started };
    };

    // Normal: the first quarter goes through.
    await waitFor('the API', async () => ((await readyz()).components['mode'] ? true : undefined), 120_000, tail);
    await send(parts[0] as string[]);
    await allStored(expectedIds(lines.slice(0, quarter)), 'the first quarter in the graph');
    expect((await readyz()).components['mode']?.details?.['mode']).toBe('normal');

    // Neo4j away: the second quarter is accepted (it waits on the bus and in the write buffer).
    await graph.halt();
    await send(parts[1] as string[]);
    const withoutGraph = await waitFor('a degraded mode without Neo4j', async () => {
      const ready = await readyz();
      return ready.components['mode']?.details?.['mode'] !== 'normal' ? ready : undefined;
    }, 120_000, tail);
    expect(['degraded', 'read-only']).toContain(withoutGraph.components['mode']?.details?.['mode']);
    expect(withoutGraph.components['mode']?.reason).toMatch(/graph/);
    expect(withoutGraph.components['graph']?.status).not.toBe('ok');
    expect((await answers('/healthz')).status).toBe(200);
    const read = await answers('/api/v1/events?limit=5');
    expect(read.status).toBeGreaterThanOrEqual(500);
    await graph.resume();
    await allStored(expectedIds(lines.slice(0, 2 * quarter)), 'the first half in the graph after Neo4j came back');
    await waitFor('normal mode after Neo4j', async () => ((await readyz()).components['mode']?.details?.['mode'] === 'normal' ? true : undefined), 120_000, tail);

    // nats-server away: the third quarter is accepted by the publisher's buffer; reads still answer from Neo4j.
    await nats.pause();
    await send(parts[2] as string[]);
    const withoutBus = await waitFor('a degraded mode without NATS', async () => {
      const ready = await readyz();
      return ready.components['mode']?.details?.['mode'] === 'degraded' ? ready : undefined;
    }, 120_000, tail);
    expect(withoutBus.components['bus']?.status).not.toBe('ok');
    expect(withoutBus.components['mode']?.reason).toMatch(/bus/);
    const events = await answers('/api/v1/events?limit=5');
    expect(events.status).toBe(200);
    await nats.restart();
    await allStored(expectedIds(lines.slice(0, 3 * quarter)), 'three quarters in the graph after NATS came back');

    // The webhook failing: notifications are held behind its open breaker, then all delivered.
    receiver.fail(10_000, 503);
    await send(parts[3] as string[]);
    const ids = expectedIds(lines);
    await allStored(ids, 'every event in the graph');
    const insightIds = await waitFor('insights in the graph', async () => {
      const page = (await (await fetch(`${api}/api/v1/insights?limit=500`)).json()) as { items: Array<{ id: string }> };
      return page.items.length > 0 ? page.items.map((item) => item.id) : undefined;
    }, 120_000, tail);
    const withoutSink = await waitFor('the webhook reported degraded', async () => {
      const ready = await readyz();
      return ready.components['sinks/webhook']?.status === 'degraded' ? ready : undefined;
    }, 120_000, tail);
    expect(withoutSink.components['sinks/webhook']?.reason).toMatch(/^circuit (open|half-open): \d+ notifications held/);
    receiver.heal();
    await waitFor('every insight notified', async () => {
      const notified = new Set(receiver.json<{ change: string; insight: { id: string } }>().filter((item) => item.change === 'new').map((item) => item.insight.id));
      return insightIds.every((id) => notified.has(id)) ? true : undefined;
    }, 120_000, tail);
    await waitFor('the webhook ok again', async () => ((await readyz()).components['sinks/webhook']?.status === 'ok' ? true : undefined), 60_000, tail);

    // Exactly once, nothing dropped or dead-lettered.
    expect(await storedEventCopies(driver, ids)).toEqual({ present: ids.length, duplicated: 0 });
    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).not.toMatch(/tapio_sink_notifications_total\{sink="webhook",outcome="(failed|dropped)"\} [1-9]/);
    expect(metrics).toMatch(/tapio_circuit_opened_total\{circuit="sink:webhook"\} [1-9]/);
    feed.end();
    tapio.child.kill('SIGTERM');
    await tapio.exited;
    const stopped = tapio.log().split('\n').filter((line) => line.includes('"tapio stopped"')).map((line) => JSON.parse(line) as { deadLetters?: number; bus?: { dropped?: number } })[0];
    expect(stopped?.deadLetters).toBe(0);
    expect(stopped?.bus?.dropped).toBe(0);
    proc = undefined;
  }, 900_000);
});
