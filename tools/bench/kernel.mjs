// Kernel eBPF collector benchmark (npm run bench:kernel, as root, after npm run build and
// tools/setup.d/40-ebpf.sh). Prints figures; asserts nothing.
//
//  1. Agent CPU at 1K and 10K events/s: a C load generator makes refused connect()s
//     (connect errors) or execs at a steady rate; the KernelCollector runs in this process
//     with a counting sink; CPU = this process's user+system time over the window
//     (the drain thread included), as % of one core. Kernel drop counters and the
//     number of events received are checked against what the generator did.
//  2. The same tracepoints captured by bpftrace (printf per event), its CPU measured
//     from /proc the same way.
//  3. Highest rate with zero drops: generators unpaced (two in parallel), events
//     received vs done, drops.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelCollector } from '@tapio/collector-kernel';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tapio-kernel-bench-'));
const loadgen = join(work, 'kernel-loadgen');
execFileSync('cc', ['-O2', '-o', loadgen, join(here, 'kernel-loadgen.c')]);
const TICKS = 100; // USER_HZ

async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function runGenerator(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(loadgen, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => resolve({ pid: child.pid, done: Number(out.trim()) }));
  });
}

function procCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const pct = (seconds, wall) => `${((seconds / wall) * 100).toFixed(2)}%`;

async function withTapioCounted(mode, rate, generators = 1) {
  const seen = [];
  const sink = { emit: async (event) => void (event.data.process && seen.push([event.type, event.data.process.pid, event.data.process.ppid])) };
  const collector = new KernelCollector({ captureExec: mode === 'exec', countersIntervalMs: 60_000 });
  await collector.start(sink);
  const port = await closedPort();
  const before = collector.statistics();
  const cpuBefore = cpuSeconds();
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: generators }, () => runGenerator(mode === 'connect' ? ['connect', String(port), String(rate), String(SECONDS)] : ['exec', String(rate), String(SECONDS)])),
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuSeconds() - cpuBefore;
  await collector.stop();
  const after = collector.statistics();
  const pids = new Set(results.map((result) => result.pid));
  const matched = seen.filter(([type, pid, ppid]) => (mode === 'connect' ? type === 'connect_error' && pids.has(pid) : type === 'process_exec' && pids.has(ppid))).length;
  const done = results.reduce((sum, result) => sum + result.done, 0);
  return { done, rate: Math.round(done / SECONDS), received: matched, kernelDrops: after.kernelDrops - before.kernelDrops, queueDrops: after.queueDrops - before.queueDrops, agentCpu: pct(cpu, wall) };
}

async function withBpftrace(mode, rate) {
  const program =
    mode === 'connect'
      ? 'tracepoint:syscalls:sys_exit_connect /comm == "kernel-loadgen" && args->ret == -111/ { printf("%d %d\\n", pid, args->ret); }'
      : 'tracepoint:sched:sched_process_exec /comm == "true"/ { printf("%d %s\\n", pid, str(args->filename)); }';
  const tracer = spawn('bpftrace', ['-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let attached = false;
  tracer.stdout.on('data', (chunk) => {
    const text = chunk.toString();
    if (!attached && text.includes('Attaching')) attached = true;
    lines += text.split('\n').length - 1;
  });
  const deadline = Date.now() + 30_000;
  while (!attached && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!attached) throw new Error('bpftrace did not attach within 30 s');
  lines = 0;
  const port = await closedPort();
  const cpuBefore = procCpuSeconds(tracer.pid);
  const started = process.hrtime.bigint();
  const result = await runGenerator(mode === 'connect' ? ['connect', String(port), String(rate), String(SECONDS)] : ['exec', String(rate), String(SECONDS)]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = procCpuSeconds(tracer.pid) - cpuBefore;
  const exited = new Promise((resolve) => tracer.on('close', resolve));
  tracer.kill('SIGINT');
  await exited;
  return { done: result.done, rate: Math.round(result.done / SECONDS), received: lines, bpftraceCpu: pct(cpu, wall) };
}

const rows = [];
try {
  console.log(`kernel collector benchmark: ${cpus().length} CPUs, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, ${SECONDS} s per run`);
  // Warm-up (JIT, caches) so that the first measured run is not charged for it.
  await withTapioCounted('connect', 2000);
  for (const mode of ['connect', 'exec']) {
    for (const rate of [1000, 10000]) {
      rows.push({ mode, target: rate, tool: 'tapio', ...(await withTapioCounted(mode, rate)) });
      rows.push({ mode, target: rate, tool: 'bpftrace', ...(await withBpftrace(mode, rate)) });
    }
    rows.push({ mode, target: 'max (2 generators)', tool: 'tapio', ...(await withTapioCounted(mode, 0, 2)) });
  }
  console.table(rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
