import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const TAPIO = join(ROOT, 'bin/tapio');

/** One ./bin/tapio process: its combined output and its exit. */
export interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

export function tapio(args: string[], cwd: string): Proc {
  const child = spawn(TAPIO, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  // Only the tail is kept: a chaos run restarts processes many times.
  const file = process.env['CHAOS_LOG_DIR'] ? join(process.env['CHAOS_LOG_DIR'], `${args.at(-1) ?? 'tapio'}.log`) : undefined;
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-200_000);
    if (file) appendFileSync(file, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, log: () => log, exited };
}

/** SIGKILLs every process these helpers started and that still runs (test clean-up). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The JSON log record with this message, from a process's structured logs. */
export function logRecord(log: string, message: string): Record<string, unknown> | undefined {
  return log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    })
    .find((record) => record['msg'] === message);
}

/** A small seeded generator (mulberry32): the same seed gives the same chaos schedule. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
