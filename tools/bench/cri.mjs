// CRI (containerd) collector benchmark (npm run bench:cri, as root, after npm run build and
// tools/setup.d/45-containerd-api.sh). Prints figures; asserts nothing.
//
// A containerd of its own (tools/containerd) carries events at a steady rate: a publisher
// client forwards TaskExit events for one container through containerd's Events API, so
// they travel containerd's real event path to every subscriber. Measured over the same window,
// each in a fresh process:
//   Tapio  the CriCollector with the transformer run on every RawEvent (a child Node process)
//   peer   `ctr events` (containerd's own CLI subscribing and printing every event)
// Idle: the same with no events published.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { loadContainerdProtos } from '@tapio/collector-cri';
import { StandaloneContainerd } from '../containerd/standalone-containerd.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RATES = (process.env.BENCH_RATES ?? '0,100,1000').split(',').map(Number);
const TICKS = 100;

function procStat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { cpu: (Number(fields[11]) + Number(fields[12])) / TICKS, rssMb: (Number(fields[21]) * 4096) / 1024 / 1024 };
}

const protos = loadContainerdProtos();
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : `${new URL('../../libs/collectors/cri/proto/', import.meta.url).pathname}${target}`);
root.loadSync(['github.com/containerd/containerd/api/events/task.proto'], { keepCase: true });
const TaskExit = root.lookupType('containerd.events.TaskExit');

async function publishAt(address, rate, seconds) {
  const definition = grpc.loadPackageDefinition(protos.services);
  const client = new definition.containerd.services.events.v1.Events(`unix://${address}`, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('containerd-namespace', 'k8s.io');
  const value = Buffer.from(TaskExit.encode(TaskExit.create({ container_id: 'bench', id: 'bench', pid: 42, exit_status: 1 })).finish());
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    const batch = [];
    for (; sent < due; sent++) batch.push(new Promise((resolve, reject) => client.Publish({ topic: '/tasks/exit', event: { type_url: 'containerd.events.TaskExit', value } }, metadata, (error) => (error ? reject(error) : resolve()))));
    await Promise.all(batch);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  client.close();
  return sent;
}

async function measure(kind, containerd, rate) {
  const agentScript = `
    import { CriCollector, CriTransformer } from '@tapio/collector-cri';
    const transformer = new CriTransformer();
    let events = 0;
    const ctx = { eventId: (r, d) => d, processedAt: new Date().toISOString(), cluster: 'bench' };
    const collector = new CriCollector({ nodeName: 'bench', address: process.argv[1] });
    await collector.start({ emit: async (raw) => { events += transformer.transform(raw, ctx).length; } });
    process.on('SIGTERM', async () => { await collector.stop(); console.log(JSON.stringify({ events })); process.exit(0); });
  `;
  const agent =
    kind === 'tapio'
      ? spawn(process.execPath, ['--input-type=module', '-e', agentScript, containerd.address], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn('ctr', ['--address', containerd.address, 'events'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let lines = 0;
  agent.stdout.on('data', (chunk) => {
    if (kind === 'tapio') out += chunk;
    else for (const byte of chunk) if (byte === 10) lines++;
  });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const before = procStat(agent.pid).cpu;
  const started = Date.now();
  const sent = rate > 0 ? await publishAt(containerd.address, rate, SECONDS) : await new Promise((resolve) => setTimeout(() => resolve(0), SECONDS * 1000));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const stat = procStat(agent.pid);
  const wall = (Date.now() - started) / 1000;
  const closed = new Promise((resolve) => agent.once('close', resolve));
  agent.kill('SIGTERM');
  await closed;
  const received = kind === 'tapio' ? JSON.parse(out.trim().split('\n').pop() || '{"events":0}').events : lines;
  return { sent, received, cpuPct: ((stat.cpu - before) / wall) * 100, rssMb: stat.rssMb };
}

const containerd = StandaloneContainerd.create();
await containerd.start();
try {
  console.log(`CRI collector benchmark: ${SECONDS} s per run, containerd TaskExit events at the given rate`);
  console.log('rate/s  | Tapio CPU  RSS    events | ctr events CPU  RSS   lines | CPU ratio');
  for (const rate of RATES) {
    const tapio = await measure('tapio', containerd, rate);
    const peer = await measure('peer', containerd, rate);
    const ratio = peer.cpuPct > 0.05 ? `${(tapio.cpuPct / peer.cpuPct).toFixed(1)}x` : 'n/a (peer idle)';
    console.log(`${String(rate).padEnd(7)} | ${tapio.cpuPct.toFixed(2).padStart(6)}%  ${tapio.rssMb.toFixed(0).padStart(3)} MB ${String(tapio.received).padStart(6)} | ${peer.cpuPct.toFixed(2).padStart(6)}%  ${peer.rssMb.toFixed(0).padStart(3)} MB ${String(peer.received).padStart(6)} | ${ratio}`);
  }
} finally {
  await containerd.stop();
}
