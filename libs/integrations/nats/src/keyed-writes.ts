/** Sends one value of a key (its subject) and resolves once the server stored it. */
export type SendValue = (subject: string, payload: Uint8Array) => Promise<void>;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The newest value of a key waiting behind the one in flight, and whoever waits for it. */
interface Queued {
  payload: Uint8Array;
  waiters: Waiter[];
}

/**
 * At most one write in flight per key, through a pipelined publisher that sends again
 * after a timeout or a lost connection. With two writes of one key in flight, a resend of
 * the older could be stored after the newer and put the older value back; here a newer
 * value waits until the older one is stored (or failed for good), so the values of a key
 * are stored in the order they were written. Values written meanwhile are coalesced: only
 * the newest is sent next, and the callers of the ones it replaced resolve when it is
 * stored (a later value of the key is durable, which is what they waited for).
 */
export class OrderedKeyWrites {
  /** Keys with a write in flight (sent at `since`), and the value queued behind it (if any). */
  private readonly inFlight = new Map<string, { queued: Queued | undefined; since: number }>();
  /** Values written but replaced by a newer one of their key before they were sent. */
  coalesced = 0;

  constructor(private readonly send: SendValue) {}

  /** Keys with a write in flight. */
  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * The key whose write has waited longest for the server, and how long (none in flight:
   * undefined). A write is sent again until it is stored, so a long wait is an outage or a
   * stuck server seen from here (health says which key waits).
   */
  oldest(now = Date.now()): { subject: string; waitingMs: number } | undefined {
    let oldest: { subject: string; waitingMs: number } | undefined;
    for (const [subject, key] of this.inFlight) {
      if (!oldest || now - key.since > oldest.waitingMs) oldest = { subject, waitingMs: now - key.since };
    }
    return oldest;
  }

  write(subject: string, payload: Uint8Array): Promise<void> {
    const key = this.inFlight.get(subject);
    if (!key) {
      this.inFlight.set(subject, { queued: undefined, since: Date.now() });
      return new Promise<void>((resolve, reject) => this.run(subject, payload, [{ resolve, reject }]));
    }
    return new Promise<void>((resolve, reject) => {
      if (key.queued) {
        this.coalesced += 1;
        key.queued.payload = payload;
        key.queued.waiters.push({ resolve, reject });
      } else {
        key.queued = { payload, waiters: [{ resolve, reject }] };
      }
    });
  }

  private run(subject: string, payload: Uint8Array, waiters: Waiter[]): void {
    const next = () => {
      const key = this.inFlight.get(subject);
      const queued = key?.queued;
      if (!key || !queued) {
        this.inFlight.delete(subject);
        return;
      }
      key.queued = undefined;
      key.since = Date.now();
      this.run(subject, queued.payload, queued.waiters);
    };
    this.send(subject, payload).then(
      () => {
        for (const waiter of waiters) waiter.resolve();
        next();
      },
      (error: Error) => {
        for (const waiter of waiters) waiter.reject(error);
        next();
      },
    );
  }
}
