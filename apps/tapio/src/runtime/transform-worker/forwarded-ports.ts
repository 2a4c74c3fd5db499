import type { DeadLetter, DeadLetterSink, LogFields, Logger } from '@tapio/domain';
import type { FromWorker, TransformWorkerPlan } from './protocol.js';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Number.POSITIVE_INFINITY } as const;

/** Fields as they can cross to the main thread: a value that cannot be cloned (a function) goes as its text. */
function cloneable(fields: LogFields): Record<string, unknown> {
  try {
    return structuredClone(fields);
  } catch {
    return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'object' && value !== null && !(value instanceof Error) ? JSON.stringify(value) : value instanceof Error ? value : String(value)]));
  }
}

/** The worker's logger: records at or above the main thread's level go to its logger, with their bindings. */
export function forwardedLogger(post: (message: FromWorker) => void, level: TransformWorkerPlan['logLevel'], bindings: Record<string, unknown> = {}): Logger {
  const least = LEVELS[level];
  const at = (name: 'debug' | 'info' | 'warn' | 'error') => (fields: LogFields, message?: string) => {
    if (LEVELS[name] < least) return;
    post({ kind: 'log', level: name, bindings, fields: cloneable(fields), ...(message === undefined ? {} : { message }) });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => forwardedLogger(post, level, { ...bindings, ...more }) };
}

/** The worker's dead letters, put into the main thread's sink (its count, file and recent list) in order. */
export class ForwardedDeadLetters implements DeadLetterSink {
  private counted = 0;

  constructor(private readonly post: (message: FromWorker) => void) {}

  put(entry: DeadLetter): void {
    this.counted += 1;
    this.post({ kind: 'dead-letter', letter: entry });
  }

  count(): number {
    return this.counted;
  }

  /** The entries live in the main thread's sink; nothing in the worker reads them. */
  recent(): DeadLetter[] {
    return [];
  }
}
