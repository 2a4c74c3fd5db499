// The peer of the throughput benchmarks: a bare `JSON.parse` of an NDJSON file's lines, timed
// inside a fresh process (its start and the file read excluded), on the same machine at the
// same moment as the figure it stands beside.
import { spawnSync } from 'node:child_process';

const PEER = `const lines = require('node:fs').readFileSync(process.argv[1], 'utf8').split('\\n'); const t = process.hrtime.bigint(); const c = process.cpuUsage(); let n = 0; for (const line of lines) if (line) { JSON.parse(line); n += 1; } const cpu = process.cpuUsage(c); process.stdout.write(JSON.stringify({ lines: n, linesPerSecond: n / (Number(process.hrtime.bigint() - t) / 1e9), cpuMicrosPerLine: (cpu.user + cpu.system) / n }));`;

/** Lines parsed, lines per second of wall clock and CPU microseconds per line; throws when the peer fails. */
export function bareParseOf(file) {
  const result = spawnSync(process.execPath, ['-e', PEER, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bare-parse peer exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
