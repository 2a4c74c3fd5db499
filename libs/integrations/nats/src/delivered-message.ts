import type { JsMsg } from '@nats-io/jetstream';
import type { BusDelivery, BusHeaders, BusTopic, DeadLetter } from '@tapio/domain';
import type { MessageCodec } from './codec.js';
import { decodeEnvelope, ENVELOPE_HEADER } from './envelope.js';

/** One event of a delivered message: the message itself, or one member of its envelope. */
export interface DeliveredEvent {
  id: string;
  headers: BusHeaders;
  body: unknown;
  /** Checked against the topic's schema already (a plain message is checked when decoded). */
  checked: boolean;
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
    if (!name.startsWith('Nats-') && name !== ENVELOPE_HEADER && values[0] !== undefined) headers[name] = values[0];
  }
  return headers;
}

/** The events of a message: an envelope's members, or the message alone (checked here). */
export function decodeMessage(msg: JsMsg, topic: BusTopic, codec: MessageCodec): DecodedMessage {
  if (msg.headers?.get(ENVELOPE_HEADER)) {
    const envelope = decodeEnvelope(msg.data);
    if (!envelope.ok) return { ok: false, stage: 'decode', reason: envelope.reason, payload: envelope.payload };
    return { ok: true, events: envelope.members.map((member) => ({ ...member, checked: false })) };
  }
  const decoded = codec.decode(topic, msg.data);
  if (!decoded.ok) return decoded;
  return { ok: true, events: [{ id: msg.headers?.get('Nats-Msg-Id') ?? '', headers: publisherHeaders(msg), body: decoded.value, checked: true }] };
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
