import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { partitionOf, rawPartitionKey, type RawEvent } from '@tapio/domain';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { startNeo4j, type Neo4jTestServer } from '../../../tools/neo4j/test-server.mjs';
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';
import { killStartedTapios, startTapio, TAPIO, waitFor, type TapioProcess } from './support/tapio-process.js';
import { storedEventCopies } from './support/stored-events.js';

const SCENARIOS = fileURLToPath(SHARED_SCENARIOS);
const run = promisify(execFile);

/** The UnifiedEvent ids a recording must produce, computed with the same pipeline. */
async function expectedEventIds(file: string): Promise<string[]> {
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
  const ids: string[] = [];
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    const result = pipeline.processLine(line);
    if (result.ok) ids.push(...result.events.map((event) => event.id));
  }
  return ids;
}

/** The JSON log record with this message, from a process's structured logs. */
function logRecord(log: string, message: string): Record<string, unknown> | undefined {
  return log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((record) => record['msg'] === message);
}

const rootKey = (ref: { kind: string; namespace?: string | null; name: string }) => `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;

describe('distributed Tapio: separate processes on NATS JetStream with a shared Neo4j', () => {
  let nats: NatsServerHandle;
  let graph: Neo4jTestServer;
  let driver: Driver;
  let dir: string;
  let streams = 0;

  async function config(name: string, scenario: string, extra: { partitions?: number; speed?: number } = {}): Promise<{ file: string; apiPort: number }> {
    streams += 1;
    const apiPort = await freePort();
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      [
        'log:',
        '  level: info',
        '  format: json',
        'bus:',
        '  type: nats',
        '  nats:',
        `    servers: ${nats.url}`,
        `    streamPrefix: T${streams}`,
        `    subjectPrefix: t${streams}`,
        `    partitions: ${extra.partitions ?? 1}`,
        'graph:',
        '  type: neo4j',
        '  neo4j:',
        `    uri: ${graph.uri}`,
        'api:',
        `  port: ${apiPort}`,
        'collectors:',
        '  replay:',
        `    file: ${join(SCENARIOS, `${scenario}.ndjson`)}`,
        `    speed: ${extra.speed ?? 0}`,
        '',
      ].join('\n'),
    );
    return { file, apiPort };
  }

  async function stopAll(procs: TapioProcess[]): Promise<void> {
    for (const proc of procs) proc.child.kill('SIGTERM');
    await Promise.all(procs.map((proc) => proc.exited));
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-distributed-'));
    [nats, graph] = await Promise.all([startNatsServer(), startNeo4j()]);
    driver = neo4j.driver(graph.uri);
  }, 240_000);

  beforeEach(async () => {
    // Each test starts from an empty graph, so "every event arrived" means this test's events.
    const session = driver.session();
    try {
      await session.run('MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS');
    } finally {
      await session.close();
    }
  });

  afterAll(async () => {
    killStartedTapios();
    await driver?.close();
    await Promise.all([nats?.stop(), graph?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('collectors, transformer, correlation and api as four processes give the insights of -mode all', async () => {
    const expected = JSON.parse((await run(TAPIO, ['analyze', join(SCENARIOS, 'configmap-cascade.ndjson'), '--json'], { cwd: dir })).stdout) as { insights: Array<{ rootCause: { kind: string; namespace: string | null; name: string } }> };
    const { file, apiPort } = await config('four', 'configmap-cascade');
    const procs = ['correlation', 'transformer', 'api', 'collectors'].map((mode) => startTapio(['-config', file, '-mode', mode], dir));
    const server = `http://127.0.0.1:${apiPort}`;
    const insights = await waitFor(
      'insights from the api process',
      async () => {
        const { stdout } = await run(TAPIO, ['insights', '--json', '--server', server], { cwd: dir });
        const page = JSON.parse(stdout) as { items: Array<{ rootCause: { entity: { kind: string; namespace?: string | null; name: string } } }> };
        return page.items.length >= expected.insights.length && page.items.length > 0 ? page.items : undefined;
      },
      240_000,
      () => procs.map((proc) => proc.log().slice(-2000)).join('\n---\n'),
    );
    expect(new Set(insights.map((insight) => rootKey(insight.rootCause.entity)))).toEqual(new Set(expected.insights.map((insight) => rootKey(insight.rootCause))));
    const why = await run(TAPIO, ['why', 'configmap', 'shop/checkout-config', '--server', server], { cwd: dir });
    expect(why.stdout).toContain('checkout-config');
    await stopAll(procs);
  }, 400_000);

  it('kill -9 of the correlation process mid-stream: after a restart every event is in the graph exactly once', async () => {
    const ids = [...new Set(await expectedEventIds(join(SCENARIOS, 'oom-cascade.ndjson')))];
    const { file } = await config('crash', 'oom-cascade');
    const feeders = ['transformer', 'collectors'].map((mode) => startTapio(['-config', file, '-mode', mode], dir));
    const first = startTapio(['-config', file, '-mode', 'correlation'], dir);
    await waitFor('a part of the events in the graph', async () => ((await storedEventCopies(driver, ids)).present >= ids.length / 5 ? true : undefined), 240_000, first.log);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = await storedEventCopies(driver, ids);
    const second = startTapio(['-config', file, '-mode', 'correlation'], dir);
    const after = await waitFor('every event in the graph', async () => {
      const count = await storedEventCopies(driver, ids);
      return count.present === ids.length ? count : undefined;
    }, 240_000, second.log);
    expect(before.present).toBeLessThanOrEqual(ids.length);
    expect(after).toEqual({ present: ids.length, duplicated: 0 });
    await stopAll([second, ...feeders]);
  }, 400_000);

  it('a nats-server restart mid-replay loses nothing, and the drop counters say so', async () => {
    const ids = [...new Set(await expectedEventIds(join(SCENARIOS, 'benign-rollout.ndjson')))];
    const { file } = await config('restart', 'benign-rollout', { speed: 300 });
    const procs = ['correlation', 'transformer', 'collectors'].map((mode) => startTapio(['-config', file, '-mode', mode], dir));
    await waitFor('the replay under way', async () => ((await storedEventCopies(driver, ids)).present > 0 ? true : undefined), 240_000, () => procs.map((proc) => proc.log().slice(-1500)).join('\n---\n'));
    await nats.restart(1500);
    await waitFor('every event in the graph', async () => ((await storedEventCopies(driver, ids)).present === ids.length ? true : undefined), 240_000, () => procs.map((proc) => proc.log().slice(-1500)).join('\n---\n'));
    expect(await storedEventCopies(driver, ids)).toEqual({ present: ids.length, duplicated: 0 });
    await stopAll(procs);
    for (const proc of procs) {
      const stopped = logRecord(proc.log(), 'tapio stopped') as { bus?: { dropped?: number } } | undefined;
      expect(stopped?.bus?.dropped).toBe(0);
    }
  }, 400_000);

  it('two partitioned transformers share the raw stream: each transforms its partition and the cluster-scoped objects, every event lands once', async () => {
    const recording = join(SCENARIOS, 'configmap-cascade.ndjson');
    const { file } = await config('transformers', 'configmap-cascade', { partitions: 2 });
    const ids = [...new Set(await expectedEventIds(recording))];
    // What each transformer must take: its partition's RawEvents, and every one without a partition key (Nodes, Namespaces).
    const share = [0, 0];
    for (const line of (await readFile(recording, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const key = rawPartitionKey(JSON.parse(line) as RawEvent);
      for (const index of [0, 1]) if (key === null || partitionOf(key, 2) === index) share[index] = (share[index] ?? 0) + 1;
    }
    const transformers = [0, 1].map((index) => startTapio(['-config', file, '-mode', 'transformer', '-partition', String(index)], dir));
    const others = ['correlation', 'collectors'].map((mode) => startTapio(['-config', file, '-mode', mode], dir));
    await waitFor('every event in the graph', async () => ((await storedEventCopies(driver, ids)).present === ids.length ? true : undefined), 240_000, () => [...transformers, ...others].map((proc) => proc.log().slice(-1500)).join('\n---\n'));
    await stopAll([...others, ...transformers]);
    expect(await storedEventCopies(driver, ids)).toEqual({ present: ids.length, duplicated: 0 });
    const accepted = transformers.map((proc) => (logRecord(proc.log(), 'tapio stopped') as { pipeline?: { accepted?: number } } | undefined)?.pipeline?.accepted);
    expect(accepted).toEqual(share);
    expect(Math.min(...share)).toBeGreaterThan(0);
  }, 400_000);

  it('two partitioned correlation workers never split one entity (namespace) between them', async () => {
    const { file } = await config('partitions', 'configmap-cascade', { partitions: 2 });
    const ids = [...new Set(await expectedEventIds(join(SCENARIOS, 'configmap-cascade.ndjson')))];
    const workers = [0, 1].map((index) => startTapio(['-config', file, '-mode', 'correlation', '-partition', String(index)], dir));
    const feeders = ['transformer', 'collectors'].map((mode) => startTapio(['-config', file, '-mode', mode], dir));
    await waitFor('every event in the graph', async () => ((await storedEventCopies(driver, ids)).present === ids.length ? true : undefined), 240_000, () => workers.map((proc) => proc.log().slice(-1500)).join('\n---\n'));
    await stopAll([...feeders, ...workers]);
    const owned = workers.map((worker) => (logRecord(worker.log(), 'tapio stopped') as { correlation?: { partitionKeys: string[]; handled: number } } | undefined)?.correlation);
    expect(owned[0]?.handled).toBeGreaterThan(0);
    expect(owned[1]?.handled).toBeGreaterThan(0);
    const [a, b] = owned.map((stats) => new Set(stats?.partitionKeys ?? []));
    for (const key of a ?? []) expect(b?.has(key)).toBe(false);
    expect((a?.size ?? 0) + (b?.size ?? 0)).toBeGreaterThanOrEqual(2);
  }, 400_000);
});
