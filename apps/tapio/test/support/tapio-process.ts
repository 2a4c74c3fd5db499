import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `bin/tapio` the end-to-end tests run, as a user would. */
export const TAPIO = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'bin/tapio');

/** The tapio.yaml lines of a replay collector reading `file` (a recording or a FIFO the test writes) as fast as it can. */
export const replayCollectorYaml = (file: string): string[] => ['collectors:', '  replay:', `    file: ${file}`, '    speed: 0'];

/** How a `tapio` process ended, with everything it wrote on each stream. */
export interface TapioExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `tapio` process: its output so far (stdout and stderr, interleaved), its exit code once it ends, and its whole ending. */
export interface TapioProcess {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
  finished: Promise<TapioExit>;
}

const running = new Set<ChildProcess>();

export interface StartTapioOptions {
  /** Keep only the last this many characters of the output (a process restarted many times, a long run). */
  tailChars?: number;
  /** Also append the whole output to this file. */
  logFile?: string;
  /** The environment instead of this process's (NO_COLOR=1 is added). */
  env?: NodeJS.ProcessEnv;
}

/** Starts `bin/tapio` with `args` in `cwd`, collecting its output; `killStartedTapios` ends what a file left running. */
export function startTapio(args: string[], cwd: string, options: StartTapioOptions = {}): TapioProcess {
  const child = spawn(TAPIO, args, { cwd, env: { ...(options.env ?? process.env), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const output = { log: '', stdout: '', stderr: '' };
  const tail = (text: string) => (options.tailChars !== undefined && text.length > options.tailChars ? text.slice(-options.tailChars) : text);
  const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString();
    output.log = tail(output.log + text);
    output[stream] = tail(output[stream] + text);
    if (options.logFile) appendFileSync(options.logFile, chunk);
  };
  child.stdout?.on('data', keep('stdout'));
  child.stderr?.on('data', keep('stderr'));
  const finished = new Promise<TapioExit>((resolve) =>
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout: output.stdout, stderr: output.stderr });
    }),
  );
  return { child, log: () => output.log, exited: finished.then((exit) => exit.code), finished };
}

/** SIGKILLs every process `startTapio` started that is still running (a test file's afterAll, after a failure). */
export function killStartedTapios(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** SIGTERM, then SIGKILL if it has not ended within `graceMs`: a graceful stop that cannot hang a test. */
export async function stopTapio(proc: TapioProcess | undefined, graceMs = 15_000): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([proc.exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
}

/**
 * Probes until it gives a value (a probe that throws counts as not yet), every `everyMs`;
 * past `timeoutMs` it fails naming what it waited for, with `context()` (a process's log,
 * the last answer) read at that moment.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, context: () => string = () => '', everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits until Tapio's REST API at `server` answers /readyz with 200 (every collector started). */
export async function waitForReady(server: string, proc: TapioProcess, timeoutMs = 90_000): Promise<void> {
  await waitFor(`Tapio ready on ${server}`, async () => ((await fetch(`${server}/readyz`)).status === 200 ? true : undefined), timeoutMs, () => `output so far:\n${proc.log().slice(-2000)}`, 500);
}
