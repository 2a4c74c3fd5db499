// The node agent's idle cost, per collector and with all seven node-local collectors on
// (npm run bench:node-agent, as root, after npm run build and the set-up). Prints figures.
//
// Real components, idle: a standalone journald, a containerd of its own, a one-member etcd,
// an empty CNI spool, the test cluster's kubelet (tools/k8s, joined with a lease of this process; read with the
// node agent's own ServiceAccount token, deploy/rbac-node-agent.yaml), and the real kernel
// for the eBPF kernel and DNS collectors (which see the whole host: on a machine shared with
// other work they are not idle). Each configuration runs in a fresh Node process with the
// collectors' transformers applied, at default intervals; its CPU (children included) and RSS
// are read from /proc over the window. The peer is the same Node process with no collector.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandaloneContainerd } from '../containerd/standalone-containerd.mjs';
import { EtcdCluster } from '../etcd/etcd-cluster.mjs';
import { StandaloneJournald } from '../journald/standalone-journald.mjs';
import { clusterCommand, useTestCluster } from '../k8s/test-cluster.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TICKS = 100;
const ONLY = process.env.BENCH_ONLY?.split(',');

function stat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { cpu: (Number(fields[11]) + Number(fields[12])) / TICKS, rssMb: (Number(fields[21]) * 4096) / 1024 / 1024 };
}
function tree(pid) {
  let children = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    // no children
  }
  return [pid, ...children];
}

const AGENT = `
  const s = JSON.parse(process.argv[1]);
  const ctx = { eventId: (r, d) => d, processedAt: new Date().toISOString(), cluster: 'bench' };
  const make = {
    journal: async () => { const m = await import('@tapio/collector-journal'); return [new m.JournalCollector({ nodeName: 'n1', directory: s.journalDir, journaldSocket: s.journaldSocket, cursorFile: s.cursorFile }), new m.JournalTransformer()]; },
    cri: async () => { const m = await import('@tapio/collector-cri'); return [new m.CriCollector({ nodeName: 'n1', address: s.containerd }), new m.CriTransformer()]; },
    etcd: async () => { const m = await import('@tapio/collector-etcd'); return [new m.EtcdCollector({ nodeName: 'n1', endpoints: s.etcd }), new m.EtcdTransformer()]; },
    kubelet: async () => { const m = await import('@tapio/collector-kubelet'); return [new m.KubeletCollector(s.kubelet), new m.KubeletApiTransformer()]; },
    kernel: async () => { const m = await import('@tapio/collector-kernel'); return [new m.KernelCollector({ nodeName: 'n1' }), new m.KernelTransformer()]; },
    dns: async () => { const m = await import('@tapio/collector-dns'); return [new m.DnsCollector({ nodeName: 'n1' }), new m.DnsTransformer()]; },
    cni: async () => { const m = await import('@tapio/collector-cni'); return [new m.CniCollector({ nodeName: 'n1', spool: s.cniSpool, offsetFile: s.cniOffset }), new m.CniTapTransformer()]; },
  };
  const collectors = await Promise.all(s.ids.map((id) => make[id]()));
  let events = 0;
  for (const [collector, transformer] of collectors) await collector.start({ emit: async (raw) => { events += transformer.transform(raw, ctx).length; } });
  setInterval(() => {}, 60_000);
  process.on('SIGTERM', async () => {
    const health = Object.fromEntries(collectors.map(([c]) => [c.id, c.health().status]));
    for (const [collector] of collectors) await collector.stop();
    process.stdout.write(JSON.stringify({ events, health }));
    process.exit(0);
  });
`;

async function measure(ids, settings) {
  const agent = spawn(process.execPath, ['--input-type=module', '-e', AGENT, JSON.stringify({ ...settings, ids })], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  agent.stdout.on('data', (chunk) => (out += chunk));
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const before = tree(agent.pid).map((pid) => stat(pid).cpu).reduce((a, b) => a + b, 0);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const stats = tree(agent.pid).map((pid) => stat(pid));
  const wall = (Date.now() - started) / 1000;
  const closed = new Promise((resolve) => agent.once('close', resolve));
  agent.kill('SIGTERM');
  await closed;
  const result = JSON.parse(out || '{}');
  return { cpuPct: ((stats.reduce((sum, s) => sum + s.cpu, 0) - before) / wall) * 100, rssMb: stats.reduce((sum, s) => sum + s.rssMb, 0), ...result };
}

// The cluster lease is held in this process's name and dropped at the end.
process.env.TAPIO_K8S_LEASE_PID = String(process.pid);
const scratch = mkdtempSync(join(tmpdir(), 'tapio-agent-bench-'));
const cluster = await useTestCluster();
const journald = StandaloneJournald.create();
const containerd = StandaloneContainerd.create();
await journald.start();
await containerd.start();
const etcd = await EtcdCluster.start(1);
try {
  await cluster.kubectl(['apply', '-f', join(import.meta.dirname, '../../deploy/rbac-node-agent.yaml')]);
  writeFileSync(join(scratch, 'token'), (await cluster.kubectl(['-n', 'tapio', 'create', 'token', 'tapio-node-agent'])).trim(), { mode: 0o600 });
  const port = readFileSync(join(cluster.home, 'state.env'), 'utf8').match(/^KUBELET_PORT=(\d+)$/m)?.[1];
  const kubelet = { endpoint: `https://${new URL(cluster.server).hostname}:${port}`, nodeName: 'tapio-node', auth: { tokenFile: join(scratch, 'token') }, tls: { ca: join(cluster.home, 'data/kubelet/pki/kubelet.crt'), serverName: 'tapio-node' } };
  const settings = { cniSpool: join(scratch, 'cni', 'cni.ndjson'), cniOffset: join(scratch, 'cni.offset'), journalDir: journald.journalDir, journaldSocket: journald.varlinkSocket, cursorFile: join(scratch, 'cursor'), containerd: containerd.address, etcd: etcd.endpoints, kubelet };
  const bare = await measure([], settings);
  console.log(`node agent, idle components, ${SECONDS} s per configuration, fresh Node process each (default intervals)`);
  console.log(`  peer, the same Node process with no collector: ${bare.cpuPct.toFixed(2)}% of a core, ${bare.rssMb.toFixed(0)} MB RSS`);
  const all = ['journal', 'cri', 'etcd', 'kubelet', 'cni', 'kernel', 'dns'];
  for (const ids of [...all.map((id) => [id]), all]) {
    if (ONLY && !ids.every((id) => ONLY.includes(id))) continue;
    const run = await measure(ids, settings);
    const label = ids.length === 1 ? ids[0] : 'all seven';
    console.log(`  ${label.padEnd(8)} ${run.cpuPct.toFixed(2)}% of a core (+${(run.cpuPct - bare.cpuPct).toFixed(2)}), ${run.rssMb.toFixed(0)} MB RSS (+${(run.rssMb - bare.rssMb).toFixed(0)}), ${run.events ?? '?'} events, health ${JSON.stringify(run.health ?? {})}`);
  }
} finally {
  await Promise.all([journald.stop(), containerd.stop(), etcd.stop()]);
  rmSync(scratch, { recursive: true, force: true });
  await clusterCommand('down', '--lease', String(process.pid)).catch((error) => console.error(`cluster lease not dropped: ${error.message}`));
}
