import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const RECORDINGS = new URL('../../../examples/recordings/', import.meta.url);
const GOLDEN = new URL('./golden/', import.meta.url);
/** Rewrites the expected files from the current build instead of comparing (after an intended change of output). */
const UPDATE = process.env['TAPIO_UPDATE_GOLDEN'] === '1';

const recordings = readdirSync(RECORDINGS).filter((file) => file.endsWith('.ndjson')).map((file) => file.replace(/\.ndjson$/, '')).sort();

/**
 * `tapio analyze` is Tapio's promise to an operator: the same recording gives the same
 * answer, byte for byte, whatever is refactored underneath. The expected outputs were
 * taken from the built CLI before the engine was split; an intended change of output
 * rewrites them with TAPIO_UPDATE_GOLDEN=1 and shows up in review as a diff.
 */
describe('tapio analyze output is byte-identical to the golden files (built CLI)', () => {
  it('finds the recordings', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(3);
  });
  for (const name of recordings) {
    for (const json of [true, false]) {
      const expectedFile = new URL(`${name}.analyze.${json ? 'json' : 'txt'}`, GOLDEN);
      it(`${name}${json ? ' --json' : ''}`, async () => {
        const file = fileURLToPath(new URL(`${name}.ndjson`, RECORDINGS));
        const { stdout } = await run(TAPIO, ['analyze', file, ...(json ? ['--json'] : [])], { maxBuffer: 64 * 2 ** 20 });
        if (UPDATE) writeFileSync(expectedFile, stdout);
        expect(existsSync(expectedFile), `golden file ${fileURLToPath(expectedFile)} (create it with TAPIO_UPDATE_GOLDEN=1)`).toBe(true);
        expect(stdout).toBe(readFileSync(expectedFile, 'utf8'));
      });
    }
  }
});
