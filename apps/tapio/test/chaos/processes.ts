import { join } from 'node:path';
import { killStartedTapios, startTapio, TAPIO, waitFor, type TapioProcess } from '../support/tapio-process.js';

export { TAPIO, waitFor };
export type Proc = TapioProcess;

/** One ./bin/tapio process of a chaos run: only the tail of its output is kept (restarted many times); CHAOS_LOG_DIR keeps all of it, one file per stage. */
export function tapio(args: string[], cwd: string): Proc {
  const dir = process.env['CHAOS_LOG_DIR'];
  const mode = args[args.indexOf('-mode') + 1] ?? 'tapio';
  return startTapio(args, cwd, { tailChars: 200_000, ...(dir ? { logFile: join(dir, `${mode}.log`) } : {}) });
}

/** SIGKILLs every process these helpers started and that still runs (test clean-up). */
export const killAll = killStartedTapios;

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
