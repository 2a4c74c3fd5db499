// The fixed yardstick: how fast this machine is right now, measured the same way in every run
// and every session. One fixed input, the first Pod watch event of the committed recording
// examples/recordings/configmap-cascade.ndjson, serialised and parsed many times in a FRESH
// process (its start and the file read excluded). A yardstick timed inside a benchmark's own
// process measured that process's heap and garbage collector as much as the machine (issue 17:
// 77 µs there against 14–17 µs fresh), so it is never taken in the measured process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const YARDSTICK_RECORDING = fileURLToPath(new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url));

// Warm-up rounds first (the optimising compiler settles), then the measured rounds of each operation.
const SCRIPT = `
const line = require('node:fs').readFileSync(process.argv[1], 'utf8').split('\\n').find((text) => text.includes('"kind":"Pod"'));
if (!line) { process.stderr.write('no Pod watch event in ' + process.argv[1]); process.exit(2); }
const rounds = Number(process.argv[2]);
const value = JSON.parse(line);
let sink = 0;
for (let n = 0; n < 1000; n += 1) sink += JSON.stringify(JSON.parse(line)).length;
let cpu = process.cpuUsage();
for (let n = 0; n < rounds; n += 1) sink += JSON.stringify(value).length;
const stringify = process.cpuUsage(cpu);
cpu = process.cpuUsage();
for (let n = 0; n < rounds; n += 1) sink += JSON.parse(line) === null ? 0 : 1;
const parse = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ bytes: Buffer.byteLength(line), rounds, stringifyMicros: (stringify.user + stringify.system) / rounds, parseMicros: (parse.user + parse.system) / rounds, sink }));
`;

/**
 * CPU microseconds to `JSON.stringify` and to `JSON.parse` the yardstick's watch event (its
 * size in bytes beside them), each the mean of `rounds`, in a fresh process; throws when that
 * process fails.
 */
export function yardstick(rounds = 20_000) {
  const result = spawnSync(process.execPath, ['-e', SCRIPT, YARDSTICK_RECORDING, String(rounds)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`yardstick process exited ${result.status}: ${result.stderr}`);
  const { bytes, stringifyMicros, parseMicros } = JSON.parse(result.stdout);
  return { bytes, rounds, stringifyMicros, parseMicros };
}

/** One line for a benchmark's output: the yardstick's figures and, given one, a CPU cost per event in its units. */
export function yardstickLine(figures, cpuMicrosPerEvent) {
  const per = cpuMicrosPerEvent === undefined ? '' : `; one event here costs ${(cpuMicrosPerEvent / figures.parseMicros).toFixed(1)} of those parses`;
  return `fresh process, the recording's first Pod watch event (${(figures.bytes / 1024).toFixed(1)} KB): JSON.stringify ${figures.stringifyMicros.toFixed(1)} µs, JSON.parse ${figures.parseMicros.toFixed(1)} µs of CPU${per}`;
}
