/** Linux signal numbers (x86-64 / arm64 generic). */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};

export function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? (signal >= 34 && signal <= 64 ? `SIGRTMIN+${signal - 34}` : `signal ${signal}`);
}

export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(SIGNAL_NAMES).map(([number, name]) => [name, Number(number)]));

/**
 * Signals whose default action dumps core: a process they kill crashed (a fault or an
 * abort), as opposed to being terminated by someone (SIGKILL, SIGTERM).
 */
export const CRASH_SIGNALS: ReadonlySet<number> = new Set([3, 4, 5, 6, 7, 8, 11, 24, 25, 31]);

/** The signals the kernel reports at generation by default (fatal ones, for the sender). */
export const DEFAULT_REPORTED_SIGNALS: readonly number[] = [3, 4, 5, 6, 7, 8, 9, 11, 31];

/** si_code values worth naming when the kernel reports who raised a signal. */
export function signalCodeName(code: number): string {
  if (code === 0) return 'SI_USER';
  if (code === 0x80) return 'SI_KERNEL';
  if (code === -1) return 'SI_QUEUE';
  if (code === -6) return 'SI_TKILL';
  if (code > 0) return 'fault';
  return `code ${code}`;
}
