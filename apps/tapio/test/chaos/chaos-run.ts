import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { freePort, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import type { Neo4jTestServer } from '../../../../tools/neo4j/test-server.mjs';
import { logRecord, seeded, tapio, waitFor, type Proc } from './processes.js';
import { restartRecording } from './restart-recording.js';

/** How many of each disruption one run makes, at random moments (seeded). */
export interface ChaosPlan {
  seed: number;
  rawEvents: number;
  kills: { transformer: number; correlation: number; collectors: number };
  natsRestarts: number;
  neo4jRestarts: number;
  /** Mean pause between two disruptions, ms. */
  meanGapMs: number;
}

export interface ChaosResult {
  seed: number;
  rawEvents: number;
  expected: number;
  present: number;
  duplicated: number;
  /** Events in the graph that the recording does not produce. */
  unexpected: number;
  disruptions: string[];
  /** Dead letters and dropped messages reported by the last instance of each process. */
  deadLetters: number;
  dropped: number;
  seconds: number;
}

export interface ChaosEnvironment {
  dir: string;
  nats: NatsServerHandle;
  graph: Neo4jTestServer;
  driver: Driver;
  /** Unique per run: streams and subjects of concurrent runs never meet. */
  prefix: string;
  log: (line: string) => void;
}

const STAGES = ['transformer', 'correlation', 'collectors'] as const;
type Stage = (typeof STAGES)[number];
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The UnifiedEvent ids the recording must produce, from the same pipeline in one uninterrupted run. */
function expectedIds(lines: readonly string[]): Set<string> {
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
  const ids = new Set<string>();
  for (const line of lines) {
    const result = pipeline.processLine(line);
    if (result.ok) for (const event of result.events) ids.add(event.id);
  }
  return ids;
}

async function graphCounts(driver: Driver, ids: readonly string[]): Promise<{ present: number; duplicated: number; total: number }> {
  const session = driver.session();
  try {
    const result = await session.run(
      'MATCH (e:Event) WITH e.id AS id, count(*) AS copies RETURN sum(CASE WHEN id IN $ids THEN 1 ELSE 0 END) AS present, sum(CASE WHEN copies > 1 THEN 1 ELSE 0 END) AS duplicated, count(id) AS total',
      { ids },
    );
    const record = result.records[0];
    return { present: Number(record?.get('present') ?? 0), duplicated: Number(record?.get('duplicated') ?? 0), total: Number(record?.get('total') ?? 0) };
  } finally {
    await session.close();
  }
}

/**
 * Tapio as four processes (collectors with a replay, transformer, correlation, api) on NATS
 * JetStream and Neo4j, disrupted at random moments: kill -9 of each stage (restarted after
 * a random pause), kill -9 of nats-server and of Neo4j (started again on the same store).
 * At the end every event the recording derives must be in the graph exactly once.
 */
export async function runChaos(plan: ChaosPlan, env: ChaosEnvironment): Promise<ChaosResult> {
  const started = Date.now();
  const random = seeded(plan.seed);
  const lines = restartRecording(plan.rawEvents);
  const ids = [...expectedIds(lines)];
  const recording = join(env.dir, `${env.prefix}.ndjson`);
  await writeFile(recording, `${lines.join('\n')}\n`);
  const disruptions = [
    ...STAGES.flatMap((stage) => Array.from({ length: plan.kills[stage] }, () => stage as string)),
    ...Array.from({ length: plan.natsRestarts }, () => 'nats-server'),
    ...Array.from({ length: plan.neo4jRestarts }, () => 'neo4j'),
  ].sort(() => random() - 0.5);
  // The replay lasts about as long as the disruptions, so they hit a stream in motion.
  const recordedMs = (plan.rawEvents - 40) * 100;
  const speed = Math.max(1, recordedMs / Math.max(10_000, disruptions.length * plan.meanGapMs));
  const config = join(env.dir, `${env.prefix}.yaml`);
  await writeFile(
    config,
    [
      'log: { level: info, format: json }',
      'bus:',
      '  type: nats',
      '  nats:',
      `    servers: ${env.nats.url}`,
      `    streamPrefix: ${env.prefix.toUpperCase()}`,
      `    subjectPrefix: ${env.prefix}`,
      'graph:',
      '  type: neo4j',
      '  neo4j:',
      `    uri: ${env.graph.uri}`,
      'api:',
      `  port: ${await freePort()}`,
      'collectors:',
      '  replay:',
      `    file: ${recording}`,
      `    speed: ${speed.toFixed(2)}`,
      '',
    ].join('\n'),
  );
  const procs = new Map<Stage | 'api', Proc>();
  const launch = (stage: Stage | 'api') => procs.set(stage, tapio(['-config', config, '-mode', stage], env.dir));
  for (const stage of ['correlation', 'transformer', 'api', 'collectors'] as const) launch(stage);
  const context = () => [...procs].map(([stage, proc]) => `--- ${stage}\n${proc.log().slice(-1500)}`).join('\n');
  const done: string[] = [];
  try {
    // Disruptions start once events flow end to end, so they hit a stream in motion.
    await waitFor('the first events in the graph', async () => ((await graphCounts(env.driver, ids)).present >= 100 ? true : undefined), 240_000, context);
    let last = 0;
    for (const what of disruptions) {
      // Each disruption after some progress since the last one, so they are spread over the stream.
      await waitFor('progress', async () => ((await graphCounts(env.driver, ids)).present > last ? true : undefined), 90_000, context).catch(() => undefined);
      await delay(plan.meanGapMs * (0.3 + 1.4 * random()));
      const down = 200 + Math.floor(random() * 1800);
      const before = await graphCounts(env.driver, ids).catch(() => undefined);
      last = before?.present ?? last;
      if (what === 'nats-server') {
        await env.nats.kill();
        await delay(down);
        await env.nats.restart();
      } else if (what === 'neo4j') {
        await env.graph.kill();
        await delay(down);
        await env.graph.resume();
      } else {
        const proc = procs.get(what as Stage) as Proc;
        proc.child.kill('SIGKILL');
        await proc.exited;
        await delay(down);
        launch(what as Stage);
      }
      const line = `${what} killed (-9) at ${before ? `${before.present}/${ids.length}` : '?'} events stored, back after ${down} ms`;
      done.push(line);
      env.log(`chaos seed ${plan.seed}: ${line}`);
    }
    await waitFor('every derived event in the graph', async () => ((await graphCounts(env.driver, ids)).present === ids.length ? true : undefined), 400_000, context);
    // Anything late (a duplicate on its way) would show within a moment.
    await delay(2_000);
    const counts = await graphCounts(env.driver, ids);
    for (const proc of procs.values()) proc.child.kill('SIGTERM');
    await Promise.all([...procs.values()].map((proc) => proc.exited));
    let deadLetters = 0;
    let dropped = 0;
    for (const proc of procs.values()) {
      const stopped = logRecord(proc.log(), 'tapio stopped') as { deadLetters?: number; bus?: { dropped?: number } } | undefined;
      deadLetters += stopped?.deadLetters ?? 0;
      dropped += stopped?.bus?.dropped ?? 0;
    }
    return {
      seed: plan.seed,
      rawEvents: plan.rawEvents,
      expected: ids.length,
      present: counts.present,
      duplicated: counts.duplicated,
      unexpected: counts.total - counts.present,
      disruptions: done,
      deadLetters,
      dropped,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const proc of procs.values()) proc.child.kill('SIGKILL');
  }
}
