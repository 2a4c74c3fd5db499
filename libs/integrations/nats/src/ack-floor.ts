import type { JetStreamManager } from '@nats-io/jetstream';

/** While messages arrive: how soon the floor is read again. */
export const FLOOR_REFRESH_BUSY_MS = 100;
/** While none arrive: a read a second keeps an idle consumer's floor current at little cost to the server. */
export const FLOOR_REFRESH_IDLE_MS = 1_000;

/**
 * A durable consumer's acknowledgement floor as the server last reported it: the stream
 * sequence up to which every message is acknowledged or terminated, so none of them comes
 * again (messages a killed process held are redelivered only after ack_wait, after newer
 * ones). The transformer keeps an object's older versions until the floor passes the
 * RawEvents of the newer ones, so a floor that lags keeps more state than it needs: read once
 * a second, `npm run bench:nats-transformer` kept 4.65 versions per object on average (up to
 * 39; the depth is 3) and wrote its state log accordingly; read every tenth of a second while
 * messages flow, 2.9 (up to 10). A floor read late is still a lower bound, so the pace only
 * trades state for requests to the server; an idle consumer goes back to one a second.
 */
export class AckFloor {
  /** The last floor read (0 until the first read). */
  settled = 0;
  private timer: NodeJS.Timeout | undefined;
  private jsm: JetStreamManager | undefined;
  /** Whether the next read waits at the idle pace. */
  private idle = false;
  private delivered = false;
  private stopped = false;

  constructor(
    private readonly stream: string,
    private readonly durable: string,
  ) {}

  /** A message arrived: the next read comes at the busy pace, the first after a quiet spell without waiting out the idle one. */
  noteDelivery(): void {
    this.delivered = true;
    if (this.idle) this.schedule(FLOOR_REFRESH_BUSY_MS);
  }

  /** Reads the floor now, then again and again until `stop` (a failed read keeps the old floor, a lower bound). */
  async refresh(jsm: JetStreamManager): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.jsm = jsm;
    this.idle = false;
    const busy = this.delivered;
    this.delivered = false;
    try {
      const info = await jsm.consumers.info(this.stream, this.durable);
      this.settled = info.ack_floor.stream_seq;
    } catch {
      // The server is away or the consumer is being recreated: the old floor stays.
    }
    this.schedule(busy || this.delivered ? FLOOR_REFRESH_BUSY_MS : FLOOR_REFRESH_IDLE_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped || !this.jsm) return;
    if (this.timer) clearTimeout(this.timer);
    const jsm = this.jsm;
    this.idle = ms === FLOOR_REFRESH_IDLE_MS;
    this.timer = setTimeout(() => void this.refresh(jsm), ms);
    this.timer.unref();
  }
}
