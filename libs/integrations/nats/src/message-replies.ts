import type { JsMsg } from '@nats-io/jetstream';
import type { DeadLetter, Logger } from '@tapio/domain';
import type { ConsumerCounters, ConsumerDeps, ConsumerSpec } from './consumer-types.js';

/**
 * A consumer's answers to the server: acknowledgements are sent together once per
 * event-loop turn (one socket write, not one per message); nak and term at once.
 */
export class MessageReplies {
  private acks: JsMsg[] = [];
  private acksScheduled = false;

  constructor(
    private readonly logger: Logger,
    private readonly counters: ConsumerCounters,
    /** The message is answered: this process no longer holds it. */
    private readonly released: (msg: JsMsg) => void,
  ) {}

  ackSoon(msg: JsMsg): void {
    this.acks.push(msg);
    if (this.acksScheduled) return;
    this.acksScheduled = true;
    setImmediate(() => this.flushAcks());
  }

  flushAcks(): void {
    this.acksScheduled = false;
    const acks = this.acks;
    this.acks = [];
    for (const msg of acks) if (this.reply(msg, 'ack', () => msg.ack())) this.counters.delivered += 1;
  }

  /**
   * Ack/nak/term, which throw once the connection is closed (a handler that outlived
   * shutdown). The server then redelivers after ack_wait: nothing is lost.
   */
  reply(msg: JsMsg, what: string, send: () => void): boolean {
    this.released(msg);
    try {
      send();
      return true;
    } catch (error) {
      this.logger.warn({ err: error, subject: msg.subject, seq: msg.seq }, `cannot ${what} message; it will be redelivered`);
      return false;
    }
  }
}

/**
 * Puts a message, or one event of its envelope (`index`), in the dead-letter sink.
 * Terminations carry no reason text: servers before 2.10 do not read "+TERM <reason>" as
 * a termination, so the message would stay in the stream (and be delivered again). The
 * reason is in the dead letter.
 */
export function deadLetter(deps: ConsumerDeps, spec: ConsumerSpec, msg: JsMsg, what: { stage: DeadLetter['stage']; reason: string; payload: unknown; index?: number }): void {
  deps.counters.deadLettered += 1;
  const origin = `nats:${spec.stream}/${spec.durable} ${msg.subject} seq ${msg.seq}${what.index === undefined ? '' : ` event ${what.index}`}`;
  deps.logger.error({ stage: what.stage, origin, reason: what.reason }, 'message dead-lettered');
  deps.deadLetters?.put({ stage: what.stage, reason: what.reason, source: spec.topic, origin, at: new Date().toISOString(), payload: what.payload });
}
