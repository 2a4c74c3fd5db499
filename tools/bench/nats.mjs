// NATS JetStream event bus benchmark: sustained publish -> consume of UnifiedEvents through
// @tapio/nats with everything on (Nats-Msg-Id de-duplication, publish acknowledgements,
// durable pull consumers acknowledging each message after the handler, schema validation),
// the consumers in their own processes as in the distributed run modes. Then, when the
// `nats` CLI is available, `nats bench` on the same server for the raw JetStream ceiling.
// Runs against the BUILT packages (npm run build first); starts its own nats-server.
//
//   npm run bench:nats -- [--events 100000] [--window 2048] [--workers 1,2] [--no-validate]
//                         [--nats-cli path/to/nats]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { partitionKey, partitionOf } from '@tapio/domain';
import { NatsEventBus } from '@tapio/nats';
import { startNatsServer } from '../nats/nats-server.mjs';
import { findNatsCli, natsBench } from './nats-bench-peer.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const flag = (name) => process.argv.includes(`--${name}`);

const AT = '2026-03-02T10:00:00Z';
/** A realistic UnifiedEvent (about 700 bytes of JSON): a pod restart with its Kubernetes context. */
function event(n) {
  const namespace = `ns-${n % 40}`;
  const name = `app-${n % 500}-7d8f9c6b5-${(n % 10_000).toString(36)}`;
  return {
    id: `evt-${n}`,
    type: 'pod_restart',
    timestamp: AT,
    source: 'kubeapi',
    severity: 'medium',
    message: `Pod ${namespace}/${name} restarted (container app, exit code 137)`,
    semantic: { intent: 'restart', category: 'lifecycle', narrative: `container app of ${name} restarted after being OOM-killed`, tags: ['restart', 'oom'] },
    k8sContext: { cluster: 'bench', kind: 'Pod', namespace, name, uid: `uid-${n}`, labels: { app: `app-${n % 500}`, tier: 'backend' }, nodeName: `node-${n % 50}` },
    entity: { cluster: 'bench', kind: 'Pod', namespace, name },
    kubernetes: { container: 'app', restartCount: 3, restartDelta: 1, exitCode: 137, reason: 'OOMKilled' },
    correlationHints: [`bench/ReplicaSet/${namespace}/app-${n % 500}-7d8f9c6b5`, `bench/Node/_/node-${n % 50}`],
    processedAt: AT,
  };
}

const busOptions = (url, validate, partitions) => ({
  servers: url,
  partitions,
  consume: { validate, prefetch: 512 },
  streams: { unified: { maxMessages: -1, maxBytes: -1 } },
});

/** Child process: consume until `count` events (of its partition) were handled; report when. */
async function consumeRole() {
  const workers = Number(option('workers', '1'));
  const index = Number(option('index', '0'));
  const count = Number(option('count'));
  const prefix = option('prefix');
  const bus = new NatsEventBus({ ...busOptions(option('url'), !flag('no-validate'), workers), streamPrefix: prefix, subjectPrefix: prefix.toLowerCase() });
  let handled = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const handler = async () => {
    handled += 1;
    if (handled === count) finish();
  };
  await bus.subscribe('unified', 'bench', handler, workers > 1 ? { partition: { index, count: workers } } : {});
  await bus.start();
  process.send?.({ ready: true });
  await done;
  const lastAt = Date.now();
  await bus.close();
  process.send?.({ done: true, handled, lastAt });
}

/** Forks a consumer process and waits until it is subscribed. */
async function startConsumer(url, count, index, workers, prefix) {
  const args = ['--role', 'consume', '--url', url, '--count', String(count), '--index', String(index), '--workers', String(workers), '--prefix', prefix];
  if (flag('no-validate')) args.push('--no-validate');
  const child = fork(fileURLToPath(import.meta.url), args, { stdio: 'inherit' });
  const messages = [];
  const waiters = [];
  child.on('message', (message) => {
    messages.push(message);
    for (const waiter of waiters.splice(0)) waiter();
  });
  child.on('exit', (code) => {
    if (code) messages.push({ ready: true, done: true, handled: 0, lastAt: Date.now(), failed: code });
    for (const waiter of waiters.splice(0)) waiter();
  });
  const next = async (key) => {
    for (;;) {
      const found = messages.find((message) => message[key]);
      if (found) return found;
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  await next('ready');
  return { child, done: () => next('done') };
}

/** Events per partition, so each worker knows when it has seen all of its share. */
function partitionCounts(events, workers) {
  const counts = new Array(workers).fill(0);
  for (let n = 0; n < events; n += 1) counts[partitionOf(partitionKey(event(n)), workers)] += 1;
  return counts;
}

async function busRun(server, events, window, workers) {
  const prefix = `B${workers}${Date.now() % 100_000}`;
  const url = server.url;
  // Each run on fresh streams: a distinct prefix keeps runs apart on one server.
  const options = { ...busOptions(url, !flag('no-validate'), workers), streamPrefix: prefix, subjectPrefix: prefix.toLowerCase() };
  const counts = partitionCounts(events, workers);
  const consumers = [];
  for (let index = 0; index < workers; index += 1) consumers.push(await startConsumer(url, counts[index], index, workers, prefix));

  const bus = new NatsEventBus(options);
  await bus.start();
  const payloadBytes = Buffer.byteLength(JSON.stringify(event(1)));
  const started = Date.now();
  let outstanding = 0;
  let wake;
  let failed;
  for (let n = 0; n < events; n += 1) {
    outstanding += 1;
    bus.publish('unified', event(n), `evt-${n}`).then(
      () => {
        outstanding -= 1;
        if (wake && outstanding < window) {
          const resume = wake;
          wake = undefined;
          resume();
        }
      },
      (error) => {
        failed ??= error;
        outstanding -= 1;
      },
    );
    if (outstanding >= window) await new Promise((resolve) => (wake = resolve));
  }
  await bus.drain().catch(() => undefined);
  const publishedAt = Date.now();
  if (failed) throw failed;
  const results = await Promise.all(consumers.map((consumer) => consumer.done()));
  const lastAt = Math.max(...results.map((result) => result.lastAt));
  const stats = bus.stats();
  await bus.close();
  const handled = results.reduce((sum, result) => sum + result.handled, 0);
  return {
    workers,
    events,
    payloadBytes,
    publishPerSecond: Math.round(events / ((publishedAt - started) / 1000)),
    endToEndPerSecond: Math.round(handled / ((lastAt - started) / 1000)),
    seconds: (lastAt - started) / 1000,
    handled,
    published: stats.published,
    dropped: stats.dropped,
  };
}

async function main() {
  const events = Number(option('events', '100000'));
  const window = Number(option('window', '2048'));
  const workerCounts = option('workers', '1,2').split(',').map(Number);
  const server = await startNatsServer();
  try {
    console.log(`NATS JetStream bus benchmark: ${events} UnifiedEvents per run, publish window ${window}, validation ${flag('no-validate') ? 'off' : 'on'}, file storage, acks on`);
    for (const workers of workerCounts) {
      const result = await busRun(server, events, window, workers);
      console.log(
        `  ${workers} consumer process${workers > 1 ? 'es (partitioned)' : ''}: publish ${result.publishPerSecond.toLocaleString('en')} ev/s, ` +
          `publish->consume ${result.endToEndPerSecond.toLocaleString('en')} ev/s (${result.handled}/${result.events} handled in ${result.seconds.toFixed(1)} s, ` +
          `${result.payloadBytes} B each, dropped ${result.dropped})`,
      );
    }
    const cli = findNatsCli(option('nats-cli'));
    if (!cli) {
      console.log('  nats bench: `nats` CLI not found (its build from the Go module proxy failed; or pass --nats-cli PATH)');
    } else {
      const figures = await natsBench(cli, server.url, events, Buffer.byteLength(JSON.stringify(event(1))), window);
      if (figures.error) console.log(`  nats bench failed: ${figures.error}`);
      else console.log(`  nats bench (Go client, same server and size, msg ids, file store): async publish ${figures.publish?.toLocaleString('en')} msgs/s, durable consume ${figures.consume?.toLocaleString('en')} msgs/s`);
    }
  } finally {
    await server.stop();
  }
}

if (option('role') === 'consume') await consumeRole();
else await main();
