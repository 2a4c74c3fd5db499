// The node agent's idle cost with the journal, CRI (containerd) and etcd collectors on
// (npm run bench:node-agent, as root, after npm run build and the set-up). Prints figures.
//
// Real components, all idle: a standalone journald, a containerd of its own, a one-member
// etcd. One fresh Node process runs the three collectors (default intervals) with their
// transformers, as one `-mode collectors` agent would; its CPU (its journalctl child
// included) and RSS are read from /proc over the window. The peer is the same Node process
// with no collector started, so the figures can be read as what the collectors add.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StandaloneContainerd } from '../containerd/standalone-containerd.mjs';
import { EtcdCluster } from '../etcd/etcd-cluster.mjs';
import { StandaloneJournald } from '../journald/standalone-journald.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const TICKS = 100;

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

async function measure(withCollectors, settings) {
  const script = `
    import { JournalCollector, JournalTransformer } from '@tapio/collector-journal';
    import { CriCollector, CriTransformer } from '@tapio/collector-cri';
    import { EtcdCollector, EtcdTransformer } from '@tapio/collector-etcd';
    const s = JSON.parse(process.argv[1]);
    const ctx = { eventId: (r, d) => d, processedAt: new Date().toISOString(), cluster: 'bench' };
    const sinkFor = (t) => ({ emit: async (raw) => void t.transform(raw, ctx) });
    const collectors = ${withCollectors} ? [
      [new JournalCollector({ nodeName: 'n1', directory: s.journalDir, journaldSocket: s.journaldSocket, cursorFile: s.cursorFile }), new JournalTransformer()],
      [new CriCollector({ nodeName: 'n1', address: s.containerd }), new CriTransformer()],
      [new EtcdCollector({ nodeName: 'n1', endpoints: s.etcd }), new EtcdTransformer()],
    ] : [];
    for (const [collector, transformer] of collectors) await collector.start(sinkFor(transformer));
    setInterval(() => {}, 60_000);
    process.on('SIGTERM', async () => { for (const [collector] of collectors) await collector.stop(); process.exit(0); });
  `;
  const agent = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(settings)], { stdio: ['ignore', 'inherit', 'inherit'] });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const before = tree(agent.pid).map((pid) => stat(pid).cpu).reduce((a, b) => a + b, 0);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const stats = tree(agent.pid).map((pid) => stat(pid));
  const wall = (Date.now() - started) / 1000;
  const closed = new Promise((resolve) => agent.once('close', resolve));
  agent.kill('SIGTERM');
  await closed;
  return { cpuPct: ((stats.reduce((sum, s) => sum + s.cpu, 0) - before) / wall) * 100, rssMb: stats.reduce((sum, s) => sum + s.rssMb, 0) };
}

const scratch = mkdtempSync(join(tmpdir(), 'tapio-agent-bench-'));
const journald = StandaloneJournald.create();
const containerd = StandaloneContainerd.create();
await journald.start();
await containerd.start();
const etcd = await EtcdCluster.start(1);
try {
  const settings = { journalDir: journald.journalDir, journaldSocket: journald.varlinkSocket, cursorFile: join(scratch, 'cursor'), containerd: containerd.address, etcd: etcd.endpoints };
  const agent = await measure(true, settings);
  const bare = await measure(false, settings);
  console.log(`node agent, idle node, ${SECONDS} s: journal + CRI + etcd collectors (default intervals)`);
  console.log(`  agent with the three collectors: ${agent.cpuPct.toFixed(2)}% of a core, ${agent.rssMb.toFixed(0)} MB RSS (journalctl child included)`);
  console.log(`  the same Node process without them: ${bare.cpuPct.toFixed(2)}% of a core, ${bare.rssMb.toFixed(0)} MB RSS`);
  console.log(`  added by the collectors: ${(agent.cpuPct - bare.cpuPct).toFixed(2)}% of a core, ${(agent.rssMb - bare.rssMb).toFixed(0)} MB`);
} finally {
  await Promise.all([journald.stop(), containerd.stop(), etcd.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}
