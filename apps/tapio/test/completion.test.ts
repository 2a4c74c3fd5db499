import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TAPIO = join(ROOT, 'bin/tapio');

/** Runs a shell script; a machine without the shell fails the test saying so (setup installs bash, zsh and fish). */
async function shell(name: string, script: string): Promise<string> {
  try {
    return (await run(name, ['-c', script], { env: { ...process.env, HOME: dir } })).stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${name} is not installed (tools/setup.d/apt-packages.txt lists it): cannot test its completion`);
    throw error;
  }
}

let dir: string;

/** The completion scripts, loaded by the real shells and asked what they complete. */
describe('tapio completion', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-completion-'));
    for (const shellName of ['bash', 'zsh', 'fish']) await writeFile(join(dir, `tapio.${shellName}`), (await run(TAPIO, ['completion', shellName])).stdout);
    await writeFile(join(dir, 'recording.ndjson'), '');
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const bashComplete = (words: string[]) =>
    shell('bash', `source ${dir}/tapio.bash; cd ${dir}; COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tapio; printf '%s\\n' "\${COMPREPLY[@]}"`);

  it('bash completes commands, subcommands, options, choices and files', async () => {
    expect((await bashComplete(['tapio', 'an'])).trim()).toBe('analyze');
    expect((await bashComplete(['tapio', 'patterns', ''])).split('\n')).toEqual(expect.arrayContaining(['list', 'validate', 'reload']));
    expect((await bashComplete(['tapio', 'why', '--na'])).trim()).toBe('--namespace');
    expect((await bashComplete(['tapio', 'run', '--mode', 'c'])).trim().split('\n')).toEqual(['collectors', 'correlation']);
    expect((await bashComplete(['tapio', 'completion', ''])).trim().split('\n')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
    expect((await bashComplete(['tapio', 'analyze', 'rec'])).trim()).toBe('recording.ndjson');
  });

  it('zsh loads it through bashcompinit and completes the same', async () => {
    const out = await shell('zsh', `source ${dir}/tapio.zsh; print -r -- "registered:\${_comps[tapio]}"; cd ${dir}; emulate sh -c 'COMP_WORDS=(tapio patterns va); COMP_CWORD=2; _tapio; printf "%s\\n" "\${COMPREPLY[@]}"'`);
    expect(out).toContain('registered:_bash_complete');
    expect(out).toContain('validate\n');
  });

  it('fish completes commands, options with descriptions, and choices', async () => {
    const complete = (line: string) => shell('fish', `source ${dir}/tapio.fish; complete -C '${line}'`);
    expect(await complete('tapio an')).toMatch(/^analyze\toffline post-mortem/m);
    expect(await complete('tapio why --na')).toMatch(/^--namespace\t/m);
    expect((await complete('tapio run --mode c')).trim().split('\n').map((line) => line.split('\t')[0])).toEqual(['collectors', 'correlation']);
    expect(await complete('tapio config ')).toMatch(/^check\t/m);
  });
});
