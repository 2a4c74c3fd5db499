import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Below this size a recording is analysed on one thread: starting the worker (a second
 * isolate loading the transformers) costs more than it saves (a one-line analysis answers
 * in a few tenths of a second). Above it, parse and transform run on the second core.
 */
export const WORKER_MIN_BYTES = 8 << 20;

/** What a worker started before its plan is given (workerData): the plan follows as a `plan` message. */
export const AWAIT_PLAN = { awaitPlan: true } as const;

export function awaitsPlan(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { awaitPlan?: unknown }).awaitPlan === true;
}

/**
 * The launcher and the command are separate module graphs (launch.js, then the bundle or
 * main.js), so the started worker is handed over on the global object.
 */
const SLOT = Symbol.for('tapio.prestartedTransformWorker');

interface Prestarted {
  worker: Worker;
  /** An error or exit before the command took it: the command then starts its own. */
  broken: boolean;
}

type WithSlot = typeof globalThis & { [SLOT]?: Prestarted };

/** Options of `tapio analyze` that take a value, and those that do not (one or two dashes, as the CLI accepts them). */
const VALUE_OPTIONS = new Set(['config', 'output', 'o']);
const FLAG_OPTIONS = new Set(['json', 'verbose']);

/**
 * The recording of `tapio analyze FILE …` when `argv` (after the node and script paths) is
 * such a command line, read as commander will read it; undefined for any other command, for
 * standard input, and for anything this reader does not know (the command then decides alone).
 */
export function analyzeRecordingOf(argv: readonly string[]): string | undefined {
  if (argv[0] !== 'analyze') return undefined;
  let file: string | undefined;
  for (let index = 1; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--') {
      if (file === undefined) file = argv[index + 1];
      break;
    }
    const option = /^--?([a-z][a-z-]*)(=.*)?$/.exec(arg);
    if (option) {
      const name = option[1] as string;
      if (FLAG_OPTIONS.has(name) && option[2] === undefined) continue;
      if (!VALUE_OPTIONS.has(name)) return undefined;
      if (option[2] === undefined) index += 1;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') return undefined;
    if (file !== undefined) return undefined;
    file = arg;
  }
  return file === '-' ? undefined : file;
}

/**
 * Whether the launcher should start the transformer worker before loading the command:
 * `tapio analyze` of a file the analysis will run on two threads (analyze-worker.ts decides
 * the same from the size and TAPIO_TRANSFORM_WORKER; what only the configuration can refuse,
 * third-party plugins or a write-ahead log, makes the command stop the worker it did not need).
 */
export function wantsPrestart(argv: readonly string[], env: NodeJS.ProcessEnv, sizeOf: (file: string) => number | undefined = fileSize): boolean {
  const file = analyzeRecordingOf(argv);
  if (file === undefined) return false;
  const size = sizeOf(file);
  return size !== undefined && workerForSize(env, size);
}

/**
 * Whether a recording of `size` bytes (undefined: unreadable) is parsed and transformed on
 * the worker, as far as its size and TAPIO_TRANSFORM_WORKER (`on`: always, `off`: never) say.
 * The launcher and analyze-worker.ts both ask this, so they cannot disagree.
 */
export function workerForSize(env: NodeJS.ProcessEnv, size: number | undefined): boolean {
  const wanted = env['TAPIO_TRANSFORM_WORKER'];
  if (wanted === 'off') return false;
  return wanted === 'on' || (size !== undefined && size >= WORKER_MIN_BYTES);
}

/** The file's size in bytes; undefined when it cannot be read. */
export function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/**
 * Starts the transformer worker now, waiting for its plan: its isolate starts and loads the
 * transformers while the main thread loads the command and reads the configuration, instead
 * of after. Unreferenced until taken, so it never keeps a process alive that did not use it.
 */
export function prestartTransformWorker(entry: URL): void {
  let worker: Worker;
  try {
    worker = new Worker(entry, { workerData: AWAIT_PLAN, stdout: false, stderr: false });
  } catch {
    return; // only a head start: the command starts its worker itself, and reports what fails then
  }
  const prestarted: Prestarted = { worker, broken: false };
  // Without a listener an 'error' event would throw on the main thread; the taker sees `broken`.
  worker.on('error', () => void (prestarted.broken = true));
  worker.on('exit', () => void (prestarted.broken = true));
  worker.unref();
  (globalThis as WithSlot)[SLOT] = prestarted;
}

/** The worker the launcher started, once (undefined when none was, or it failed before it was taken); referenced again. */
export function takePrestartedWorker(): Worker | undefined {
  const slot = globalThis as WithSlot;
  const prestarted = slot[SLOT];
  delete slot[SLOT];
  if (!prestarted) return undefined;
  if (prestarted.broken) {
    void prestarted.worker.terminate();
    return undefined;
  }
  prestarted.worker.ref();
  return prestarted.worker;
}
