import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: tests that run ./bin/tapio, the benchmarks' packages or a
 * plugin example need the built output. Building once here (incremental: seconds when
 * nothing changed) keeps test files from racing each other's `tsc -b`.
 */
export default function buildOnce(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
