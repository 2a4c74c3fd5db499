// The peer of the throughput benchmarks: a bare `JSON.parse` of an NDJSON file's lines, timed
// inside a fresh process (its start and the file read excluded), on the same machine at the
// same moment as the figure it stands beside.
import { spawnSync } from 'node:child_process';

// The file is read as bytes and cut into lines before the clock starts: read as one string it
// could not be longer than V8's limit (512 MB: 300,000 watch events of 2.4 KB are more).
const PEER = `const bytes = require('node:fs').readFileSync(process.argv[1]); const lines = []; for (let start = 0; start < bytes.length; ) { let end = bytes.indexOf(10, start); if (end < 0) end = bytes.length; lines.push(bytes.toString('utf8', start, end)); start = end + 1; } const t = process.hrtime.bigint(); const c = process.cpuUsage(); let n = 0; for (const line of lines) if (line) { JSON.parse(line); n += 1; } const cpu = process.cpuUsage(c); process.stdout.write(JSON.stringify({ lines: n, linesPerSecond: n / (Number(process.hrtime.bigint() - t) / 1e9), cpuMicrosPerLine: (cpu.user + cpu.system) / n }));`;

/** Lines parsed, lines per second of wall clock and CPU microseconds per line; throws when the peer fails. */
export function bareParseOf(file) {
  const result = spawnSync(process.execPath, ['-e', PEER, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bare-parse peer exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
