/** How many completed event ids one consumer remembers at most; the oldest is forgotten first. */
export const COMPLETED_IDS_LIMIT = 100_000;

/**
 * The ids of the events one durable consumer's handler completed in this process, for the
 * stream's duplicate window. The server drops a repeated Nats-Msg-Id, but events
 * re-published after a crash may travel in envelopes grouped otherwise (another
 * Nats-Msg-Id), and a message sent back because one of its members failed comes again
 * whole: the members already completed are skipped, as the server would have dropped
 * them. Bounded in count and time; a process that dies forgets them (what comes again
 * then is handled again, as any redelivery: the stages' writes are idempotent by id).
 */
export class CompletedIds {
  /** id → when it is forgotten (ms); insertion order is completion order. */
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly limit = COMPLETED_IDS_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  has(id: string): boolean {
    const until = this.ids.get(id);
    return until !== undefined && until > this.now();
  }

  add(id: string): void {
    const now = this.now();
    this.ids.delete(id);
    this.ids.set(id, now + this.windowMs);
    // Forget the expired and those beyond the limit, oldest first; a few per call.
    for (const [oldest, until] of this.ids) {
      if (until > now && this.ids.size <= this.limit) break;
      this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
