import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline, rawEventId } from '@tapio/pipeline';
import { RawEvent } from '@tapio/domain';
import { freePort, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import type { Neo4jTestServer } from '../../../../tools/neo4j/test-server.mjs';
import { BusView, drained } from './bus-view.js';
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

/** One derived event the recording must produce, and where it comes from. */
export interface ExpectedEvent {
  type: string;
  entity: string;
  /** 1-based line of the recording, and the id its RawEvent is published under. */
  line: number;
  rawId: string;
}

/** The UnifiedEvents the recording must produce, from the same pipeline in one uninterrupted run. */
function expectedEvents(lines: readonly string[]): Map<string, ExpectedEvent> {
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
  const expected = new Map<string, ExpectedEvent>();
  lines.forEach((line, index) => {
    const result = pipeline.processLine(line);
    if (!result.ok) return;
    const rawId = rawEventId(RawEvent.parse(JSON.parse(line)));
    for (const event of result.events) {
      const entity = event.entity ? `${event.entity.kind} ${event.entity.namespace ? `${event.entity.namespace}/` : ''}${event.entity.name}` : '(no entity)';
      expected.set(event.id, { type: event.type, entity, line: index + 1, rawId });
    }
  });
  return expected;
}

async function missingIds(driver: Driver, ids: readonly string[]): Promise<string[]> {
  const session = driver.session();
  try {
    const result = await session.run('MATCH (e:Event) WHERE e.id IN $ids RETURN DISTINCT e.id AS id', { ids });
    const present = new Set(result.records.map((record) => String(record.get('id'))));
    return ids.filter((id) => !present.has(id));
  } finally {
    await session.close();
  }
}

/** Without progress for this long while every process runs and the bus has nothing left, none will come. */
const STALL_MS = Number(process.env['CHAOS_STALL_MS'] ?? 60_000);

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
  const expected = expectedEvents(lines);
  const ids = [...expected.keys()];
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
      // The shipped consume settings: a kill of a stage is not a failure of the messages its
      // process held (consume.maxFailures counts handler failures only).
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
  // Each stage's own /readyz: its status port (kept across its restarts), the API's for api.
  const statusPorts = new Map<Stage, number>();
  for (const stage of ['correlation', 'transformer', 'collectors'] as const) statusPorts.set(stage, await freePort());
  const launch = (stage: Stage | 'api') => {
    const port = stage === 'api' ? undefined : statusPorts.get(stage);
    procs.set(stage, tapio(['-config', config, '-mode', stage, ...(port === undefined ? [] : ['-status-port', String(port)])], env.dir));
  };
  for (const stage of ['correlation', 'transformer', 'api', 'collectors'] as const) launch(stage);
  const context = () => [...procs].map(([stage, proc]) => `--- ${stage}\n${proc.log().slice(-1500)}`).join('\n');
  const done: string[] = [];
  /**
   * When every consumer has nothing pending or unacknowledged (and the whole recording is in
   * the raw stream), no derived event can come any more: which are missing, where each got
   * lost (in the unified stream or not), and the disruptions so far. undefined: work is left.
   */
  const stuck = async (): Promise<string | undefined> => {
    const view = await BusView.open(env.nats.url, env.prefix.toUpperCase());
    try {
      const backlogs = await view.backlogs();
      // Counted by event id: the raw stream holds batch envelopes of several RawEvents.
      if (!drained(backlogs) || (await view.messageIds('raw')).size < plan.rawEvents) return undefined;
      const missing = await missingIds(env.driver, ids);
      const [raw, unified] = [await view.messageIds('raw'), await view.messageIds('unified')];
      const described = missing.slice(0, 20).map((id) => {
        const event = expected.get(id) as ExpectedEvent;
        return `  ${id} ${event.type} of ${event.entity}, from line ${event.line} (RawEvent ${event.rawId}, ${raw.get(event.rawId) ?? 0} in the raw stream); ${unified.get(id) ?? 0} in the unified stream`;
      });
      return [
        `missing ${missing.length} of ${ids.length} derived events${missing.length > 20 ? ' (first 20)' : ''}:`,
        ...described,
        `dead-lettered (process logs): ${[...procs].map(([stage, proc]) => `${stage} ${proc.log().split('"msg":"message dead-lettered"').length - 1}`).join(', ')}`,
        `consumers: ${backlogs.map((backlog) => `${backlog.durable} on ${backlog.stream}: ${backlog.pending} pending, ${backlog.ackPending} unacknowledged, ${backlog.redelivered} redelivered`).join('; ')}`,
        `disruptions (seed ${plan.seed}, CHAOS_SEED=${plan.seed} replays them):`,
        ...done.map((line) => `  ${line}`),
      ].join('\n');
    } finally {
      await view.close();
    }
  };
  /**
   * Waits until `reached(present)` or every derived event is stored; false after `timeoutMs`.
   * Fails at once when the count has not moved for STALL_MS and the bus has nothing left.
   */
  const advance = async (reached: (present: number) => boolean, timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    let since = Date.now();
    for (;;) {
      const present = (await graphCounts(env.driver, ids).catch(() => undefined))?.present;
      if (present !== undefined && (present >= ids.length || reached(present))) return true;
      if (present !== undefined && present !== seen) [seen, since] = [present, Date.now()];
      else if (present !== undefined && Date.now() - since >= STALL_MS) {
        const report = await stuck().catch(() => undefined);
        if (report) throw new Error(`no derived event stored for ${Math.round((Date.now() - since) / 1000)} s, and the bus has nothing left for the stages: ${seen}/${ids.length}\n${report}\n${context()}`);
      }
      if (Date.now() > deadline) return false;
      await delay(1_000);
    }
  };
  try {
    // Every process ready first (Neo4j alone can take minutes to start on a loaded machine):
    // the first-events wait below then measures the pipeline, not the start.
    for (const stage of ['correlation', 'transformer', 'collectors'] as const) {
      await waitFor(`${stage} ready (/readyz)`, async () => ((await fetch(`http://127.0.0.1:${statusPorts.get(stage)}/readyz`)).status === 200 ? true : undefined), 600_000, context);
    }
    // Disruptions start once events flow end to end, so they hit a stream in motion.
    await waitFor('the first events in the graph', async () => ((await graphCounts(env.driver, ids)).present >= 100 ? true : undefined), 240_000, context);
    let last = 0;
    for (const what of disruptions) {
      // Each disruption after some progress since the last one, so they are spread over the stream.
      await advance((present) => present > last, 90_000);
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
    if (!(await advance(() => false, 400_000))) {
      throw new Error(`timed out waiting for every derived event in the graph\n${(await stuck().catch(() => undefined)) ?? `disruptions: ${done.join('; ')}`}\n${context()}`);
    }
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
