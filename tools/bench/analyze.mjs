// `tapio analyze` against its peers, each in a fresh process, interleaved, run by run:
//   - a large realistic recording (kubeapi watch traffic shaped like the recorded
//     scenarios, tools/bench/kube-traffic.mjs) against a bare `JSON.parse` of the same
//     lines (read the file, split it, parse every line) — target ≤ 3×;
//   - a one-line recording against `node -e 0` — target ≤ 8× and < 0.3 s.
// Wall-clock time of whole processes, Node's start included on both sides. Runs against
// the built app (`npm run build` first). Usage:
//   node tools/bench/analyze.mjs [--events 30000] [--runs 3] [--json]
// With --json it prints one JSON document (bench:compare reads it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KubeTraffic } from './kube-traffic.mjs';
import { cpuSeconds } from './proc-cpu.mjs';

const { values } = parseArgs({ options: { events: { type: 'string', default: '30000' }, runs: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } } });
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
// What a user runs: ./bin/tapio (bash, then node with its flags: the bundled command while it
// is current, apps/tapio/src/cli-bundle/launch.ts). The CPU report reaches node by NODE_OPTIONS.
const tapio = fileURLToPath(new URL('../../bin/tapio', import.meta.url));
// Whether that was the bundle: a stale or missing one (a build without esbuild installed) runs
// the ~400 modules instead, and the figures must say so.
const { freshBundle } = await import(new URL('../../apps/tapio/dist/cli-bundle/fresh-bundle.js', import.meta.url).href);
const bundled = freshBundle(new URL('../../apps/tapio/dist/bundle/', import.meta.url), new URL('../../', import.meta.url)) !== undefined;

const dir = mkdtempSync(join(tmpdir(), 'tapio-bench-analyze-'));
const large = join(dir, 'large.ndjson');
const oneLine = join(dir, 'one-line.ndjson');
const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
const head = traffic.startingState();
const lines = [...head, ...traffic.next(Math.max(0, EVENTS - head.length))].map((event) => JSON.stringify(event));
writeFileSync(large, `${lines.join('\n')}\n`);
writeFileSync(oneLine, `${lines[0]}\n`);

const BARE_PARSE = `const text = require('node:fs').readFileSync(process.argv[1], 'utf8'); let n = 0; for (const line of text.split('\\n')) if (line) { JSON.parse(line); n += 1; } if (n === 0) process.exit(1);`;

// Loaded first into every measured process: reports its CPU time (user + system) on exit,
// which depends far less than the wall clock on what else shares the two cores.
// Only the main thread reports: the preload runs in worker threads too (analyze's transformer
// worker), whose exit comes first and would report the process's CPU before the analysis ended.
const CPU_REPORT = `data:text/javascript,import{writeSync}from'node:fs';import{isMainThread}from'node:worker_threads';if(isMainThread)process.on('exit',()=>{const u=process.cpuUsage();writeSync(2,'\\n@@cpu '+(u.user+u.system)+'\\n')})`;

/** Wall and CPU time of one fresh process (node ARGS, or ./bin/tapio ARGS), in seconds; fails loudly if it fails. */
function timed(args, command = process.execPath, extraEnv = {}) {
  const started = performance.now();
  const env = command === tapio ? { ...process.env, ...extraEnv, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import "${CPU_REPORT}"` } : process.env;
  const nodeArgs = command === tapio ? args : ['--import', CPU_REPORT, ...args];
  const result = spawnSync(command, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, env });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`);
  const cpu = /@@cpu (\d+)/.exec(result.stderr.toString());
  if (!cpu) throw new Error(`node ${args.join(' ')} did not report its CPU time`);
  return { wall, cpu: Number(cpu[1]) / 1e6 };
}

/**
 * A user's first run after a build or an install: ./bin/tapio exactly as they run it, with no
 * NODE_OPTIONS (the CPU report above travels in NODE_OPTIONS, which names a code cache of its
 * own, so it would never find the one the build leaves beside the bundle:
 * tools/seed-code-cache.mjs). Its CPU is what this process's reaped children used meanwhile
 * (/proc, in 10 ms steps).
 */
function timedFirstRun(args, cacheHome) {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.NODE_OPTIONS;
  const cpuBefore = cpuSeconds('self', true);
  const started = performance.now();
  const result = spawnSync(tapio, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, env });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`tapio ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`);
  return { wall, cpu: cpuSeconds('self', true) - cpuBefore };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianOf = (samples, key) => median(samples.map((sample) => sample[key]));
const samples = { analyzeLarge: [], bareParse: [], analyzeOneLine: [], nodeStart: [], analyzeOneLineCold: [] };
const load = [loadavg()[0]];
// The bundled command keeps V8's code of each command in the user's cache after its first
// run (apps/tapio/src/cli-bundle/compile-cache.ts); the measured runs are the runs a user
// meets from the second on, so one unmeasured run of each first. The first run after a
// build is measured apart ("cold"), each in a cache folder of its own that starts empty, as
// a user runs it (timedFirstRun): the build's own cache beside the bundle is then read.
timed(['analyze', oneLine, '--json'], tapio);
timed(['analyze', large, '--json'], tapio);
for (let run = 0; run < RUNS; run += 1) {
  samples.bareParse.push(timed(['-e', BARE_PARSE, large]));
  samples.analyzeLarge.push(timed(['analyze', large, '--json'], tapio));
  samples.nodeStart.push(timed(['-e', '0']));
  samples.analyzeOneLine.push(timed(['analyze', oneLine, '--json'], tapio));
  samples.analyzeOneLineCold.push(timedFirstRun(['analyze', oneLine, '--json'], mkdtempSync(join(dir, 'cold-cache-'))));
}
load.push(loadavg()[0]);
const summary = execFileSync(tapio, ['analyze', large, '--json'], { maxBuffer: 64 << 20 }).toString();
rmSync(dir, { recursive: true, force: true });

const result = {
  events: lines.length,
  bytes: lines.reduce((sum, line) => sum + line.length + 1, 0),
  insights: JSON.parse(summary).insights.length,
  runs: RUNS,
  bundled,
  loadAverage: load,
  large: { analyze: medianOf(samples.analyzeLarge, 'wall'), bareParse: medianOf(samples.bareParse, 'wall'), analyzeCpu: medianOf(samples.analyzeLarge, 'cpu'), bareParseCpu: medianOf(samples.bareParse, 'cpu') },
  oneLine: { analyze: medianOf(samples.analyzeOneLine, 'wall'), nodeStart: medianOf(samples.nodeStart, 'wall'), analyzeCpu: medianOf(samples.analyzeOneLine, 'cpu'), nodeStartCpu: medianOf(samples.nodeStart, 'cpu'), cold: medianOf(samples.analyzeOneLineCold, 'wall'), coldCpu: medianOf(samples.analyzeOneLineCold, 'cpu') },
  samples,
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const f = (s) => `${s.toFixed(3)} s`;
  console.log(`tapio analyze, ${result.events} events (${(result.bytes / 1e6).toFixed(1)} MB, ${result.insights} insights), median of ${RUNS} fresh processes each, ${bundled ? 'the bundled command' : 'NOT the bundle (missing or stale: run npm install and npm run build): the modules'}, load average ${load.map((x) => x.toFixed(1)).join(' -> ')}`);
  const { large: l, oneLine: o } = result;
  console.log(`  large recording: analyze ${f(l.analyze)} (${Math.round(result.events / l.analyze)} events/s), bare JSON.parse ${f(l.bareParse)}: ratio ${(l.analyze / l.bareParse).toFixed(2)}; CPU ${f(l.analyzeCpu)} vs ${f(l.bareParseCpu)}: ratio ${(l.analyzeCpu / l.bareParseCpu).toFixed(2)} (target <= 3)`);
  console.log(`  one line:        analyze ${f(o.analyze)}, node -e 0 ${f(o.nodeStart)}: ratio ${(o.analyze / o.nodeStart).toFixed(2)}; CPU ${f(o.analyzeCpu)} vs ${f(o.nodeStartCpu)}: ratio ${(o.analyzeCpu / o.nodeStartCpu).toFixed(2)} (target <= 8 and < 0.3 s)`);
  console.log(`  one line, first run after a build (no cache of the user's yet; CPU in 10 ms steps): ${f(o.cold)} wall, ${f(o.coldCpu)} CPU`);
}
