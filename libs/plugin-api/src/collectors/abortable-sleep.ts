/**
 * Waits `ms`, or less when `signal` aborts (a collector stopping, a bus closing). The abort
 * listener is removed when the time is up: the replay waits once per paced line on one
 * signal, and a listener left behind each time grew without bound (Node warned "11 abort
 * listeners added to [AbortSignal]" a few lines into every paced replay).
 */
export const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake, { once: true });
  });
