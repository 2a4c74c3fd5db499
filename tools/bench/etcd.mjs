// etcd collector benchmark (npm run bench:etcd, after npm run build; needs the test cluster's
// etcd build, tools/.cache/etcd-<version>). Prints figures; asserts nothing.
//
// A three-member etcd on loopback (tools/etcd) under a steady write load (puts through the
// JSON gateway). Measured over the same window, each in a fresh process:
//   Tapio  the EtcdCollector polling the three members (status, /metrics, alarms) with the
//          transformer on every RawEvent, in a child Node process
//   peer   a shell loop running `etcdctl endpoint status --cluster -w json` and
//          `etcdctl alarm list` at the same interval (CPU of the loop and its children)
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EtcdCluster, etcdBinary } from '../etcd/etcd-cluster.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const INTERVALS = (process.env.BENCH_INTERVALS_MS ?? '5000,1000').split(',').map(Number);
const TICKS = 100;

function procCpu(pid, withChildren) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  const children = withChildren ? Number(fields[13]) + Number(fields[14]) : 0;
  return { cpu: (own + children) / TICKS, rssMb: (Number(fields[21]) * 4096) / 1024 / 1024 };
}

async function writeLoad(cluster, seconds) {
  const until = Date.now() + seconds * 1000;
  let puts = 0;
  while (Date.now() < until) {
    await cluster.call(cluster.members[puts % 3], '/v3/kv/put', { key: Buffer.from(`bench-${puts % 100}`).toString('base64'), value: Buffer.from(`v${puts}`).toString('base64') });
    puts++;
  }
  return puts;
}

async function measure(kind, cluster, intervalMs) {
  const agentScript = `
    import { EtcdCollector, EtcdTransformer } from '@tapio/collector-etcd';
    const transformer = new EtcdTransformer();
    let events = 0;
    const ctx = { eventId: (r, d) => d, processedAt: new Date().toISOString(), cluster: 'bench' };
    const collector = new EtcdCollector({ endpoints: JSON.parse(process.argv[1]), intervalMs: Number(process.argv[2]), nodeName: 'bench' });
    await collector.start({ emit: async (raw) => { events += transformer.transform(raw, ctx).length; } });
    setInterval(() => {}, 60_000); // the collector's poll timer does not hold the process open by itself
    process.on('SIGTERM', async () => { await collector.stop(); console.log(JSON.stringify({ events })); process.exit(0); });
  `;
  const etcdctl = join(dirname(etcdBinary()), 'etcdctl');
  const loop = `while true; do "$0" --endpoints="$1" endpoint status --cluster -w json >/dev/null; "$0" --endpoints="$1" alarm list >/dev/null; sleep ${intervalMs / 1000}; done`;
  const agent =
    kind === 'tapio'
      ? spawn(process.execPath, ['--input-type=module', '-e', agentScript, JSON.stringify(cluster.endpoints), String(intervalMs)], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn('sh', ['-c', loop, etcdctl, cluster.endpoints[0]], { stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const before = procCpu(agent.pid, kind === 'peer').cpu;
  const started = Date.now();
  const puts = await writeLoad(cluster, SECONDS);
  const stat = procCpu(agent.pid, kind === 'peer');
  const wall = (Date.now() - started) / 1000;
  const closed = new Promise((resolve) => agent.once('close', resolve));
  agent.kill('SIGTERM');
  await closed;
  return { puts, cpuPct: ((stat.cpu - before) / wall) * 100, rssMb: stat.rssMb };
}

const cluster = await EtcdCluster.start(3);
try {
  console.log(`etcd collector benchmark: three members, ${SECONDS} s per run under a put loop`);
  console.log('interval | Tapio CPU  RSS    | etcdctl loop CPU | CPU ratio | puts/s');
  for (const interval of INTERVALS) {
    const tapio = await measure('tapio', cluster, interval);
    const peer = await measure('peer', cluster, interval);
    console.log(`${String(interval).padStart(5)} ms | ${tapio.cpuPct.toFixed(2).padStart(6)}%  ${tapio.rssMb.toFixed(0).padStart(3)} MB | ${peer.cpuPct.toFixed(2).padStart(6)}%          | ${(tapio.cpuPct / Math.max(peer.cpuPct, 0.01)).toFixed(2)}x     | ${Math.round(tapio.puts / SECONDS)}`);
  }
} finally {
  await cluster.stop();
}
