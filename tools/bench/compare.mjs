// `npm run bench:compare`: every throughput benchmark of issue 17 that has its peer in the
// same run, each in fresh processes, printed as one table: figure, peer figure, ratio,
// target, met or missed; the fixed yardstick (yardstick.mjs) before and after. Runs each
// benchmark `--runs` times (default 3) and reports the median, with the load average (the
// development machine is shared: ratios to a peer measured at the same moment are what stays
// comparable). Runs against the built app (`npm run build` first). Usage:
//   npm run bench:compare [-- --runs 3 --events 30000 --pipeline-events 60000 --servers]
// The correlation engine (incident mix beside a bare parse of the same events; heap with 1M
// events beside their JSON size) runs once. With --servers also, once each: NATS end to end
// beside `nats bench` on the same server (bench:nats-e2e), the correlation stage alone with
// one worker beside N partitioned workers (bench:nats-workers), the transformer stage alone
// beside the same work in process (bench:nats-transformer), and Neo4j ingest beside a bare
// UNWIND ... CREATE into the same database (bench:neo4j); they start servers and take minutes.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { yardstick, yardstickLine } from './yardstick.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, events: { type: 'string', default: '30000' }, 'pipeline-events': { type: 'string', default: '60000' }, servers: { type: 'boolean', default: false } } });
const RUNS = Number(values.runs);
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

function runJson(args, env = {}) {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-1000)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadBefore = loadavg()[0];
// The fixed yardstick before and after the benchmarks: how fast the machine was while they ran.
const yardstickBefore = yardstick();

// tapio analyze: large recording vs bare parse, one line vs node -e 0 (each sample a fresh process).
const analyze = runJson([here('./analyze.mjs'), '--json', '--runs', String(RUNS), '--events', values.events]);
// In-process pipeline vs the bare parse of the same events (each run a fresh process).
const pipelineRuns = [];
for (let run = 0; run < RUNS; run += 1) pipelineRuns.push(runJson(['--expose-gc', here('./pipeline.mjs'), '--json', '--events', values['pipeline-events'], '--warmup', '10000']));

// Correlation engine: the incident mix over 10,000 pods with every built-in pattern; memory with 1M events.
const correlation = runJson(['--expose-gc', '--max-old-space-size=4096', here('./correlation.mjs')], { BENCH_ONLY: 'incident', BENCH_EVENTS: '100000', BENCH_PEER: '1' }).incident;
const memory = runJson(['--expose-gc', '--max-old-space-size=4096', here('./correlation.mjs')], { BENCH_ONLY: 'memory' }).memory;
const servers = values.servers
  ? {
      nats: runJson([here('./nats-e2e.mjs'), '--json', '--events', '30000']),
      workers: runJson([here('./nats-workers.mjs'), '--json', '--events', '60000']),
      transformer: runJson([here('./nats-transformer.mjs'), '--json', '--events', '30000']),
      neo4j: runJson([here('./neo4j.mjs'), '--json', '--events', '100000', '--peer-events', '100000', '--queries', '50']),
    }
  : undefined;

/** A one-line analyze figure beside `node -e 0`, in seconds: target at most 8 times it and under 0.3 s. */
function oneLineRow(figure, seconds, nodeStart) {
  const ratio = seconds / nodeStart;
  return { figure, value: `${seconds.toFixed(2)} s`, peer: `node -e 0 ${nodeStart.toFixed(2)} s`, ratio, target: '<= 8 and < 0.3 s', met: ratio <= 8 && seconds < 0.3 };
}

const rows = [
  {
    figure: `tapio analyze, ${analyze.events} events`,
    value: `${analyze.large.analyze.toFixed(2)} s`,
    peer: `bare JSON.parse ${analyze.large.bareParse.toFixed(2)} s`,
    ratio: analyze.large.analyze / analyze.large.bareParse,
    target: '<= 3',
    met: analyze.large.analyze / analyze.large.bareParse <= 3,
  },
  {
    figure: `tapio analyze, ${analyze.events} events (CPU)`,
    value: `${analyze.large.analyzeCpu.toFixed(2)} s`,
    peer: `bare JSON.parse ${analyze.large.bareParseCpu.toFixed(2)} s`,
    ratio: analyze.large.analyzeCpu / analyze.large.bareParseCpu,
    target: '<= 3',
    met: analyze.large.analyzeCpu / analyze.large.bareParseCpu <= 3,
  },
  oneLineRow('tapio analyze, one line', analyze.oneLine.analyze, analyze.oneLine.nodeStart),
  oneLineRow('tapio analyze, one line (CPU)', analyze.oneLine.analyzeCpu, analyze.oneLine.nodeStartCpu),
  // The first run after a build, before the command's code cache exists (bench/analyze.mjs).
  oneLineRow('tapio analyze, one line, first run', analyze.oneLine.cold, analyze.oneLine.nodeStart),
  {
    figure: 'in-process pipeline (wall clock)',
    value: `${Math.round(median(pipelineRuns.map((r) => r.rawEventsPerSecond)))} RawEvents/s`,
    peer: `bare JSON.parse ${Math.round(median(pipelineRuns.map((r) => r.parseLinesPerSecond)))} lines/s`,
    ratio: median(pipelineRuns.map((r) => r.ratio)),
    target: '>= 0.5',
    met: median(pipelineRuns.map((r) => r.ratio)) >= 0.5,
  },
  {
    figure: 'in-process pipeline (CPU)',
    value: `${median(pipelineRuns.map((r) => r.cpuMicrosPerEvent)).toFixed(1)} us/event`,
    peer: `bare JSON.parse ${median(pipelineRuns.map((r) => r.parseCpuMicrosPerLine)).toFixed(1)} us/line`,
    ratio: median(pipelineRuns.map((r) => r.cpuRatio)),
    target: '>= 0.5',
    met: median(pipelineRuns.map((r) => r.cpuRatio)) >= 0.5,
  },
  {
    figure: 'correlation, incident mix (CPU)',
    value: `${correlation.eventsPerCpuSecond} events/CPU s`,
    peer: `bare JSON.parse ${correlation.peerLinesPerCpuSecond} lines/CPU s`,
    ratio: correlation.ratioToPeer,
    target: '>= 50K/s',
    met: correlation.eventsPerCpuSecond >= 50_000,
  },
  {
    figure: 'correlation, incident mix p99',
    value: `${correlation.p99Ms.toFixed(3)} ms`,
    peer: `p50 ${correlation.p50Ms.toFixed(3)} ms`,
    ratio: correlation.p99Ms / correlation.p50Ms,
    target: 'p99 < 1 ms',
    met: correlation.p99Ms < 1,
  },
  {
    figure: `correlation, ${memory.windowEvents} events in the window`,
    value: `${memory.heapMB} MB heap`,
    peer: `the events as JSON ${memory.jsonMB} MB`,
    ratio: memory.heapRatioToJson,
    target: '< 1 GB',
    met: memory.heapMB < 1024,
  },
  ...(servers
    ? [
        {
          figure: `NATS end to end, ${servers.nats.raws} RawEvents`,
          value: `${Math.round(servers.nats.rawEventsPerSecond)} RawEvents/s`,
          peer: servers.nats.peerRate ? `nats bench ${servers.nats.peerRate} msgs/s` : `nats bench: ${servers.nats.peer.error}`,
          ratio: servers.nats.ratio ?? Number.NaN,
          target: '>= 0.5',
          met: (servers.nats.ratio ?? 0) >= 0.5,
        },
        ...(servers.nats.cpuRatio
          ? [
              {
                figure: 'same, CPU per RawEvent (3 processes + server)',
                value: `${Math.round((1e6 * Object.values(servers.nats.cpu).reduce((sum, cpu) => sum + (cpu ?? 0), 0)) / servers.nats.raws)} µs`,
                peer: `nats bench ${Math.round((1e6 * (servers.nats.peerCpu.cli + servers.nats.peerCpu.server)) / servers.nats.raws)} µs per message`,
                ratio: servers.nats.cpuRatio,
                target: '>= 0.5',
                met: servers.nats.cpuRatio >= 0.5,
              },
            ]
          : []),
        {
          figure: `NATS correlation stage, ${servers.workers.runs[1].workers} workers`,
          value: `${Math.round(servers.workers.runs[1].rawEventsPerSecond)} RawEvents/s`,
          peer: `1 worker ${Math.round(servers.workers.runs[0].rawEventsPerSecond)} RawEvents/s`,
          ratio: servers.workers.gain,
          target: `linear (${servers.workers.ideal}x)`,
          // Linear within a tenth: the partitions share the cluster-scoped events and the server.
          met: servers.workers.efficiency >= 0.9,
        },
        {
          figure: `Neo4j ingest, ${servers.neo4j.events} events`,
          value: `${Math.round(servers.neo4j.eventsPerSecond)} events/s`,
          peer: `bare UNWIND ${Math.round(servers.neo4j.peerEventsPerSecond)} events/s`,
          ratio: servers.neo4j.ratio,
          target: '>= 20K/s',
          met: servers.neo4j.eventsPerSecond >= 20_000,
        },
        ...(servers.neo4j.ingestCpu?.db && servers.neo4j.peerCpu?.db
          ? [
              {
                figure: 'same, Neo4j CPU per event',
                value: `${Math.round((1e6 * servers.neo4j.ingestCpu.db) / servers.neo4j.events)} µs`,
                peer: `bare UNWIND ${Math.round((1e6 * servers.neo4j.peerCpu.db) / servers.neo4j.peerEvents)} µs`,
                ratio: servers.neo4j.peerCpu.db / servers.neo4j.peerEvents / (servers.neo4j.ingestCpu.db / servers.neo4j.events),
                target: '>= 20K/s',
                met: servers.neo4j.eventsPerSecond >= 20_000,
              },
            ]
          : []),
        // The same events with Tapio's properties, edges and indexes by plain CREATEs: what Tapio's queries add beyond the data.
        ...(servers.neo4j.ingestCpu?.db && servers.neo4j.graphPeer?.cpu?.db
          ? [
              {
                figure: 'same, Neo4j CPU per event',
                value: `${Math.round((1e6 * servers.neo4j.ingestCpu.db) / servers.neo4j.events)} µs`,
                peer: `same-graph CREATE ${Math.round((1e6 * servers.neo4j.graphPeer.cpu.db) / servers.neo4j.graphPeer.events)} µs`,
                ratio: servers.neo4j.graphPeer.cpu.db / servers.neo4j.graphPeer.events / (servers.neo4j.ingestCpu.db / servers.neo4j.events),
                target: '>= 20K/s',
                met: servers.neo4j.eventsPerSecond >= 20_000,
              },
            ]
          : []),
      ]
    : []),
];

const pad = (text, width) => String(text).padEnd(width);
// Wall clock: what a user waits for. CPU: user + system time of the same processes, which
// the other work on a shared machine distorts far less.
console.log(`bench:compare: median of ${RUNS} runs, each figure beside its peer in fresh processes; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)} (2 cores)`);
console.log(`${pad('figure', 46)}${pad('value', 22)}${pad('peer (same run)', 38)}${pad('ratio', 8)}${pad('target', 18)}result`);
for (const row of rows) console.log(`${pad(row.figure, 46)}${pad(row.value, 22)}${pad(row.peer, 38)}${pad(row.ratio.toFixed(2), 8)}${pad(row.target, 18)}${row.met ? 'met' : 'MISSED'}`);
console.log(`yardstick before: ${yardstickLine(yardstickBefore)}`);
console.log(`yardstick after:  ${yardstickLine(yardstick())}`);
if (!analyze.bundled) console.log('tapio analyze ran from its ~400 modules, NOT the bundle (missing or stale: npm install installs esbuild, npm run build makes it): not what a user of a built tree runs');
if (servers) {
  const startup = Object.values(servers.nats.startupCpu).reduce((sum, cpu) => sum + cpu, 0);
  console.log(`NATS end to end: from the first RawEvent published (nats bench reports its rate once running); from the collectors' start ${Math.round(servers.nats.withStartRawEventsPerSecond)} RawEvents/s; the stages' start-up before it (${startup.toFixed(1)} s of CPU) is not in the CPU per RawEvent`);
  const [one, many] = servers.workers.runs;
  console.log(`NATS correlation workers: timed from the moment every worker consumes (each worker's start-up left out); from the spawn ${Math.round(many.withStartRawEventsPerSecond)} beside ${Math.round(one.withStartRawEventsPerSecond)} RawEvents/s, ${servers.workers.withStartGain.toFixed(2)}x`);
  const { transformer } = servers;
  console.log(`NATS transformer stage alone (bench:nats-transformer): ${Math.round(transformer.stageMicros)} µs of CPU per RawEvent beside ${transformer.inProcessMicros.toFixed(1)} µs for the same parse and transform in process (${transformer.ratio.toFixed(1)}x), ${Math.round(transformer.rawEventsPerSecond)} RawEvents/s`);
}
if (!servers) console.log('not run (add --servers): NATS end to end beside nats bench (npm run bench:nats-e2e), the correlation workers (npm run bench:nats-workers), the transformer stage alone (npm run bench:nats-transformer), Neo4j ingest beside a bare UNWIND (npm run bench:neo4j)');
