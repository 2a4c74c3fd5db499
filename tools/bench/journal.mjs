// systemd journal collector benchmark (npm run bench:journal, as root, after npm run build).
// Prints figures; asserts nothing.
//
// A standalone journald (tools/journald) receives systemd unit state entries at a steady
// rate from a writer (tools/bench/journal-writer.py, journald's native protocol). Measured
// over the same window, each in a fresh process:
//   Tapio  the JournalCollector (its journalctl child included) with the transformer run on
//          every RawEvent it emits, in a child Node process: CPU of both processes, RSS.
//   peer   `journalctl --follow --output=json` alone with the same matches, output discarded.
// Idle: the same with no entries written.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StandaloneJournald } from '../journald/standalone-journald.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '0,100,1000').split(',').map(Number);
const here = fileURLToPath(new URL('.', import.meta.url));
const TICKS = 100; // USER_HZ

function procStat(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { cpu: (Number(fields[11]) + Number(fields[12])) / TICKS, rssMb: (Number(fields[21]) * 4096) / 1024 / 1024 };
}
function childPids(pid) {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function measure(kind, journald, rate) {
  const prefix = `bench-${kind}-${rate}`;
  // The agent: a child node process running the collector (or journalctl alone for the peer).
  const agentScript = `
    import { JournalCollector, JournalTransformer } from '@tapio/collector-journal';
    const transformer = new JournalTransformer();
    let events = 0;
    const ctx = { eventId: (r, d) => d, processedAt: new Date().toISOString(), cluster: 'bench' };
    const sink = { emit: async (raw) => { events += transformer.transform(raw, ctx).length; } };
    const collector = new JournalCollector({ nodeName: 'bench', directory: process.argv[1], journaldSocket: process.argv[2], cursorFile: process.argv[3], units: ['bench-*.service'] });
    await collector.start(sink);
    process.on('SIGTERM', async () => { await collector.stop(); console.log(JSON.stringify({ events })); process.exit(0); });
  `;
  const cursorFile = `${journald.root}/${prefix}.cursor`;
  const agent =
    kind === 'tapio'
      ? spawn(process.execPath, ['--input-type=module', '-e', agentScript, journald.journalDir, journald.varlinkSocket, cursorFile], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn('journalctl', ['--output=json', '--follow', '--no-tail', '--no-pager', '--quiet', `--directory=${journald.journalDir}`, `--since=@${Math.floor(Date.now() / 1000)}`, 'MESSAGE_ID=39f53479d3a045ac8e11786248231fbf', '_UID=0', '+', '_TRANSPORT=kernel'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let lines = 0;
  agent.stdout.on('data', (chunk) => {
    if (kind === 'tapio') out += chunk;
    else for (const byte of chunk) if (byte === 10) lines++;
  });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // start-up is not the steady state
  const pids = () => [agent.pid, ...childPids(agent.pid)];
  const before = pids().map((pid) => procStat(pid).cpu).reduce((a, b) => a + b, 0);
  const started = Date.now();
  let sent = 0;
  if (rate > 0) sent = Number(execFileSync('python3', [`${here}journal-writer.py`, journald.nativeSocket, String(rate), String(SECONDS), prefix], { encoding: 'utf8' }).trim());
  else await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the reader drain
  const stats = pids().map((pid) => procStat(pid));
  const wall = (Date.now() - started) / 1000;
  const cpu = stats.reduce((sum, stat) => sum + stat.cpu, 0) - before;
  const rssMb = stats.reduce((sum, stat) => sum + stat.rssMb, 0);
  const closed = new Promise((resolve) => agent.once('close', resolve));
  agent.kill('SIGTERM');
  await closed;
  const received = kind === 'tapio' ? JSON.parse(out.trim().split('\n').pop() ?? '{"events":0}').events : lines;
  return { kind, rate, sent, received, cpuPct: (cpu / wall) * 100, rssMb };
}

const journald = StandaloneJournald.create();
await journald.start();
try {
  console.log(`journal collector benchmark: ${SECONDS} s per run, systemd unit entries at the given rate`);
  console.log('rate/s  | Tapio CPU  RSS     events  | journalctl -f alone CPU  RSS    lines | CPU ratio');
  for (const rate of RATES) {
    const tapio = await measure('tapio', journald, rate);
    const peer = await measure('peer', journald, rate);
    const ratio = peer.cpuPct > 0.05 ? `${(tapio.cpuPct / peer.cpuPct).toFixed(1)}x` : 'n/a (peer idle)';
    console.log(
      `${String(rate).padEnd(7)} | ${tapio.cpuPct.toFixed(2).padStart(6)}%  ${tapio.rssMb.toFixed(0).padStart(4)} MB ${String(tapio.received).padStart(7)} | ${peer.cpuPct.toFixed(2).padStart(6)}%               ${peer.rssMb.toFixed(0).padStart(3)} MB ${String(peer.received).padStart(6)} | ${ratio}`,
    );
  }
} finally {
  await journald.stop();
}
