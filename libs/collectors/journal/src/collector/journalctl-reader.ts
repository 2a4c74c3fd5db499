import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface JournalctlExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** journalctl's last words on stderr, for the health reason. */
  stderr: string;
}

/**
 * One `journalctl --follow` child. Lines are handed to `onLine` one at a time and the
 * next is not read before its promise settles, so a slow Tapio slows journalctl down
 * (through the pipe) instead of buffering the journal in memory.
 */
export class JournalctlReader {
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private stderr = '';
  readonly done: Promise<JournalctlExit>;

  constructor(binary: string, args: readonly string[], onLine: (line: string) => Promise<void>) {
    this.done = new Promise<JournalctlExit>((resolve) => {
      let child: ChildProcessByStdio<null, Readable, Readable>;
      try {
        child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        resolve({ code: null, signal: null, stderr: (error as Error).message });
        return;
      }
      this.child = child;
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        this.stderr = (this.stderr + chunk).slice(-2000);
      });
      let spawnError: string | undefined;
      child.on('error', (error) => {
        spawnError = `cannot run ${binary}: ${error.message}`;
      });
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
      const reading = (async () => {
        for await (const line of lines) if (line.length > 0) await onLine(line);
      })();
      child.on('close', (code, signal) => {
        void reading.catch(() => undefined).finally(() => resolve({ code, signal, stderr: spawnError ?? this.stderr.trim().split('\n').pop() ?? '' }));
      });
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops journalctl; `done` settles once the lines it already wrote are handled. */
  stop(): Promise<JournalctlExit> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.done;
  }
}
