// What every holder of the insights ends with, in one process and deterministically: the
// nats-e2e recording (tools/bench/kube-traffic.mjs, `--events N`) through the Kubernetes
// transformer into a ProcessingStage on the in-process bus and the embedded graph, events
// handled 64 at once as the NATS durable consumer does. Prints, for the bus consumer (last
// version per insight id), the graph (`insights` query, every page) and the engine, the
// count of insights and a SHA-256 over ids and JSON, and the versions the consumer was
// given. Run with main's build and a changed one: the same three digests mean the same
// final insights; the consumer's digest equal to the graph's means it missed no latest state.
//
//   node tools/bench/insights-final.mjs [--events 10000]   (BENCH_INSIGHTS_DUMP=FILE: the three sets as JSON)
import { createHash } from 'node:crypto';
import { silentLogger } from '@tapio/domain';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { builtinCorrelators } from '@tapio/correlation';
import { DeadLetterStore, InProcessBus, MemoryGraphStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { ProcessingStage } from '@tapio/runtime';
import { KubeTraffic } from './kube-traffic.mjs';
import { option } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '10000'));
const IN_FLIGHT = 64;
const CONFIG = { patterns: [], builtinPatterns: true, window: '2h', maxEvents: 1_000_000, mergeWindow: '1h', warmStart: { enabled: false, maxEvents: 0 } };

function digest(insights) {
  const hash = createHash('sha256');
  for (const insight of [...insights].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) hash.update(`${insight.id}\n${JSON.stringify(insight)}\n`);
  return `${insights.length} insights, digest ${hash.digest('hex').slice(0, 16)}`;
}

const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore(), cluster: 'bench' });
const events = [];
for (const raw of [...traffic.startingState(), ...traffic.next(EVENTS)]) {
  const result = pipeline.processLine(JSON.stringify(raw));
  if (result.ok) events.push(...result.events);
}

const graph = new MemoryGraphStore({ maxEvents: Math.max(1_000_000, events.length) });
await graph.start();
const bus = new InProcessBus();
const last = new Map();
let versions = 0;
await bus.subscribe('insights', 'outputs', async (insight) => {
  versions += 1;
  last.set(insight.id, insight);
});
const stage = new ProcessingStage(graph, bus, builtinCorrelators(), CONFIG, '.', silentLogger);
await stage.start(false);
// The durable consumer's shape: up to 64 handlers in flight, started in delivery order.
let next = 0;
await new Promise((resolve, reject) => {
  let running = 0;
  const pump = () => {
    if (next >= events.length && running === 0) return resolve();
    while (running < IN_FLIGHT && next < events.length) {
      running += 1;
      stage.handle(events[next++]).then(() => {
        running -= 1;
        pump();
      }, reject);
    }
  };
  pump();
});
await bus.drain();
const stored = [];
let cursor;
do {
  const page = await graph.insights({ limit: 1000, ...(cursor ? { cursor } : {}) });
  stored.push(...page.items);
  cursor = page.nextCursor ?? undefined;
} while (cursor);
console.log(`${events.length} UnifiedEvents, ${versions} insight versions published`);
console.log(`  consumer: ${digest([...last.values()])}`);
console.log(`  graph:    ${digest(stored)}`);
console.log(`  engine:   ${digest(stage.insights())}`);
await stage.stop();
await bus.close?.();
await graph.stop();
if (process.env.BENCH_INSIGHTS_DUMP) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.BENCH_INSIGHTS_DUMP, JSON.stringify({ consumer: [...last.values()], graph: stored, engine: stage.insights() }));
}
