import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** What the chaos test reads from NATS: whether the stages have anything left to do, and which ids a stream holds. */
export interface ConsumerBacklog {
  durable: string;
  stream: string;
  /** Not yet delivered. */
  pending: number;
  /** Delivered and not acknowledged (redelivered after ack_wait when their process died). */
  ackPending: number;
  redelivered: number;
}

/** A short-lived view of one run's streams (prefix: the run's streamPrefix). */
export class BusView {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly prefix: string,
  ) {}

  static async open(url: string, prefix: string): Promise<BusView> {
    const nc = await connect({ servers: url, reconnect: false, timeout: 5_000 });
    return new BusView(nc, jetstream(nc), await jetstreamManager(nc), prefix);
  }

  async close(): Promise<void> {
    await this.nc.close().catch(() => undefined);
  }

  /** Messages stored in the stream of `topic` (raw, unified). */
  async stored(topic: string): Promise<number> {
    return (await this.jsm.streams.info(`${this.prefix}_${topic.toUpperCase()}`)).state.messages;
  }

  /** Every durable consumer on the raw and unified streams, with what it has left. */
  async backlogs(): Promise<ConsumerBacklog[]> {
    const found: ConsumerBacklog[] = [];
    for (const topic of ['RAW', 'UNIFIED']) {
      const stream = `${this.prefix}_${topic}`;
      for await (const info of this.jsm.consumers.list(stream)) {
        found.push({ durable: info.name, stream, pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered });
      }
    }
    return found;
  }

  /**
   * How many times each event id is stored in the stream of `topic` (read with an ordered
   * consumer): a message's Nats-Msg-Id, or each member's id of a batch envelope.
   */
  async messageIds(topic: string): Promise<Map<string, number>> {
    const stream = `${this.prefix}_${topic.toUpperCase()}`;
    const ids = new Map<string, number>();
    let left = await this.stored(topic);
    if (left === 0) return ids;
    const consumer = await this.js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume();
    for await (const msg of messages) {
      const members = msg.headers?.get('Tapio-Envelope') ? msg.json<{ events: Array<{ id: string }> }>().events.map((event) => event.id) : [msg.headers?.get('Nats-Msg-Id') ?? ''];
      for (const id of members) ids.set(id, (ids.get(id) ?? 0) + 1);
      left -= 1;
      if (left <= 0) break;
    }
    messages.stop();
    return ids;
  }
}

/** Nothing left for the stages: every consumer has no message pending or unacknowledged. */
export function drained(backlogs: readonly ConsumerBacklog[]): boolean {
  return backlogs.length > 0 && backlogs.every((backlog) => backlog.pending === 0 && backlog.ackPending === 0);
}
