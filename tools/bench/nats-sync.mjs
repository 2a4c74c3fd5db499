// What `sync_interval: always` (deploy/nats-server.conf, the chart's default) costs, against
// its peer, NATS's default (a sync every two minutes), on the Go-built nats-server
// (NATS_SERVER_VERSION). Pairs of runs, the order alternating, each run in a fresh process
// with its own server: Tapio's bus publishing UnifiedEvents (pipelined, batch envelopes, as
// the stages publish) and JetStream publishes acknowledged one by one (the latency of one
// acknowledgement). Prints each figure and the ratio always / default of each pair.
// Runs against the BUILT packages (npm run build first).
//
//   npm run bench:nats-sync -- [--events 20000] [--acks 500] [--pairs 3]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsEventBus } from '@tapio/nats';
import { goTool } from '../go-tools/go-tools.mjs';
import { startNatsServer } from '../nats/nats-server.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const DEPLOY = readFileSync(fileURLToPath(new URL('../../deploy/nats-server.conf', import.meta.url)), 'utf8');
const CONFIGS = { always: DEPLOY, default: DEPLOY.replace(/^\s*sync_interval: always\n/m, '') };

const AT = '2026-03-02T10:00:00Z';
const event = (n) => ({
  id: `evt-${n}`,
  type: 'pod_restart',
  timestamp: AT,
  source: 'kubeapi',
  severity: 'medium',
  message: `Pod ns-${n % 40}/app-${n % 500} restarted (container app, exit code 137)`,
  semantic: { intent: 'restart', category: 'lifecycle', narrative: `container app restarted after being OOM-killed` },
  entity: { cluster: 'bench', kind: 'Pod', namespace: `ns-${n % 40}`, name: `app-${n % 500}` },
  processedAt: AT,
});

/** One measurement, in this (fresh) process: its own server with the mode's configuration. */
async function measure(mode, events, acks) {
  const server = await startNatsServer({
    binary: goTool('nats-server'),
    baseConfig: (storeDir) => CONFIGS[mode].replace(/^(\s*)store_dir:.*$/m, `$1store_dir: ${JSON.stringify(storeDir)}`),
  });
  try {
    const bus = new NatsEventBus({ servers: server.url, streams: { unified: { maxBytes: 1024 ** 3 } } });
    await bus.start();
    let started = performance.now();
    await Promise.all(Array.from({ length: events }, (_, n) => bus.publish('unified', event(n), `evt-${n}`)));
    const busPerSecond = events / ((performance.now() - started) / 1000);
    await bus.close();

    const nc = await connect({ servers: server.url });
    await (await jetstreamManager(nc)).streams.add({ name: 'ACKS', subjects: ['acks.>'], storage: StorageType.File });
    const js = jetstream(nc);
    started = performance.now();
    for (let n = 0; n < acks; n += 1) await js.publish('acks.m', JSON.stringify(event(n)));
    const ackMs = (performance.now() - started) / acks;
    await nc.close();
    return { busPerSecond, ackMs };
  } finally {
    await server.stop();
  }
}

function inFreshProcess(mode, events, acks) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--role', 'measure', '--mode', mode, '--events', String(events), '--acks', String(acks)]);
    child.once('message', resolve);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the ${mode} run exited with ${code}`))));
  });
}

async function main() {
  const events = Number(option('events', '20000'));
  const acks = Number(option('acks', '500'));
  const pairs = Number(option('pairs', '3'));
  console.log(`NATS sync_interval: always against the NATS default, nats-server ${goTool('nats-server').split('/').at(-2)}: ${events} events through Tapio's bus, ${acks} one-by-one acknowledgements, ${pairs} pairs`);
  for (let pair = 0; pair < pairs; pair += 1) {
    const order = pair % 2 === 0 ? ['always', 'default'] : ['default', 'always'];
    const figures = {};
    for (const mode of order) figures[mode] = await inFreshProcess(mode, events, acks);
    const { always, default: lazy } = figures;
    console.log(
      `  pair ${pair + 1}: bus publish ${Math.round(always.busPerSecond).toLocaleString('en')} / ${Math.round(lazy.busPerSecond).toLocaleString('en')} ev/s (ratio ${(always.busPerSecond / lazy.busPerSecond).toFixed(2)}); ` +
        `one acknowledgement ${always.ackMs.toFixed(3)} / ${lazy.ackMs.toFixed(3)} ms (ratio ${(always.ackMs / lazy.ackMs).toFixed(2)})`,
    );
  }
}

if (option('role') === 'measure') {
  process.send(await measure(option('mode'), Number(option('events')), Number(option('acks'))));
  process.exit(0);
} else await main();
