import type { JsMsg } from '@nats-io/jetstream';
import type { BusDelivery, BusHeaders, BusTopic, DeadLetter } from '@tapio/domain';
import type { Decoded, MessageCodec } from './codec.js';
import { decodeEnvelope, ENVELOPE_HEADER } from './envelope.js';
import { SCHEMA_HEADER } from './schema-mark.js';

/** One event of a delivered message: the message itself, or one member of its envelope. */
export interface DeliveredEvent {
  id: string;
  headers: BusHeaders;
  body: unknown;
  /** Checked against the topic's schema already (a plain message is checked when decoded). */
  checked: boolean;
  /**
   * Taken as checked because its message carries this schema's mark (not run through zod):
   * checked only if its handler fails, so a hostile or broken event that carries the mark
   * is dead-lettered with what is wrong with it rather than after maxFailures.
   */
  trusted: boolean;
}

/**
 * A delivered NATS message while this process holds it: its events, run one handler
 * each in order, and what became of them. It is acknowledged once every event is done,
 * sent back (whole) when one failed, terminated when every one was dead-lettered.
 */
export interface DeliveredMessage {
  msg: JsMsg;
  events: DeliveredEvent[];
  /** Events not finished yet (waiting or running). */
  left: number;
  /** Events whose handler is running now, by index. */
  running: Set<number>;
  /** When its first handler started; undefined: waiting here; HUNG: past its bound. */
  started: number | undefined;
  /** Events dead-lettered. */
  givenUp: number;
  /** Set when an event failed and the message goes back: after this delay (ms). */
  retryAfterMs: number | undefined;
}

export type DecodedMessage = { ok: true; events: DeliveredEvent[] } | { ok: false; stage: DeadLetter['stage']; reason: string; payload: unknown };

/**
 * The publisher's own headers (trace context); NATS' bookkeeping headers stay here. An
 * envelope's members carry their own.
 */
function publisherHeaders(msg: JsMsg): BusHeaders {
  const headers: Record<string, string> = {};
  for (const [name, values] of msg.headers ?? []) {
    if (!name.startsWith('Nats-') && name !== ENVELOPE_HEADER && name !== SCHEMA_HEADER && values[0] !== undefined) headers[name] = values[0];
  }
  return headers;
}

/** The events of a message: an envelope's members, or the message alone (checked here). */
export function decodeMessage(msg: JsMsg, topic: BusTopic, codec: MessageCodec): DecodedMessage {
  const trusted = codec.trusts(topic, msg.headers?.get(SCHEMA_HEADER) || undefined);
  if (msg.headers?.get(ENVELOPE_HEADER)) {
    const envelope = decodeEnvelope(msg.data);
    if (!envelope.ok) return { ok: false, stage: 'decode', reason: envelope.reason, payload: envelope.payload };
    const events: DeliveredEvent[] = [];
    for (const member of envelope.members) events.push({ id: member.id, headers: member.headers, body: member.body, checked: trusted, trusted });
    return { ok: true, events };
  }
  const decoded = codec.decode(topic, msg.data, trusted);
  if (!decoded.ok) return decoded;
  return { ok: true, events: [{ id: msg.headers?.get('Nats-Msg-Id') ?? '', headers: publisherHeaders(msg), body: decoded.value, checked: true, trusted }] };
}

/**
 * What a handler is told of an event: its id, its headers, and its position, the message's
 * stream sequence and (in an envelope) the event's index in it. `settled`: the consumer's acknowledgement
 * floor last read from the server; a message is acknowledged only once all its events are
 * done, so the floor holds for each of them.
 */
export function deliveryOf(message: DeliveredMessage, index: number, settled: number): BusDelivery {
  const event = message.events[index] as DeliveredEvent;
  const position = message.events.length > 1 ? { sequence: message.msg.seq, settled, index } : { sequence: message.msg.seq, settled };
  return { id: event.id, headers: event.headers, position };
}

/**
 * A trusted event (taken as checked by its mark) whose handler failed, checked now: the
 * failure may be its shape. What is wrong with it, or undefined when it is valid.
 */
export function invalidAfterFailure(event: DeliveredEvent, topic: BusTopic, codec: MessageCodec, error: Error): Extract<Decoded, { ok: false }> | undefined {
  if (!event.trusted) return undefined;
  const checked = codec.check(topic, event.body);
  if (checked.ok) return undefined;
  return { ...checked, reason: `${checked.reason} (marked with the ${topic} schema; checked after its handler failed: ${error.message})` };
}
