import type { BusHeaders } from '@tapio/domain';
import { encodeEnvelope, ENVELOPE_HEADER, envelopeId } from './envelope.js';
import { SCHEMA_HEADER } from './schema-mark.js';

/** Where a batch goes: the publisher's `publish` (subject, bytes, Nats-Msg-Id, headers), resolving once stored. */
export type SendMessage = (subject: string, payload: Uint8Array, id: string, headers: BusHeaders | undefined) => Promise<void>;

export interface BatchLimits {
  /** Events in one envelope, at most; 1 sends every event alone (no envelopes). */
  maxEvents: number;
  /** Bytes of the events' JSON in one envelope, at most (an event larger than this goes alone). */
  maxBytes: number;
}

interface Member {
  subject: string;
  id: string;
  headers: BusHeaders | undefined;
  json: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Batch {
  group: string;
  /** The topic's schema mark (SCHEMA_HEADER) on the message, if any: one topic per group. */
  mark: string | undefined;
  members: Member[];
  bytes: number;
}

const ENVELOPE_HEADERS: BusHeaders = Object.freeze({ [ENVELOPE_HEADER]: '1' });
const markedEnvelopeHeaders = new Map<string, BusHeaders>();

/** The headers of an envelope of `mark` (one object per mark). */
function envelopeHeaders(mark: string | undefined): BusHeaders {
  if (mark === undefined) return ENVELOPE_HEADERS;
  let headers = markedEnvelopeHeaders.get(mark);
  if (!headers) markedEnvelopeHeaders.set(mark, (headers = Object.freeze({ [ENVELOPE_HEADER]: '1', [SCHEMA_HEADER]: mark })));
  return headers;
}

/** An event sent alone: its own headers, with the mark when there is one. */
function singleHeaders(headers: BusHeaders | undefined, mark: string | undefined): BusHeaders | undefined {
  return mark === undefined ? headers : { ...headers, [SCHEMA_HEADER]: mark };
}

/**
 * Coalesces the events published in one event-loop turn that share a group (a topic's
 * partition: what one consumer receives) into batch envelopes of at most `maxEvents`
 * events and `maxBytes` bytes, and hands each to the publisher as one NATS message: one
 * publish, PubAck, delivery and acknowledgement on the server for the whole batch. An
 * event alone in its turn goes as a plain message on its own subject with its own id, as
 * before envelopes. Each event's promise resolves once the message carrying it is stored,
 * so callers keep their backpressure and nothing is acknowledged upstream before it is
 * durable.
 */
export class EnvelopeBatcher {
  private readonly open = new Map<string, Batch>();
  private flushScheduled = false;
  private readonly sending = new Set<Promise<void>>();
  /** Envelopes sent (of more than one event) and the events they carried. */
  readonly counters = { envelopes: 0, enveloped: 0 };

  constructor(
    private readonly limits: BatchLimits,
    private readonly send: SendMessage,
    private readonly bytes: (text: string) => Uint8Array,
  ) {}

  /**
   * Queues one event for this turn's batch of `group`: the subject an envelope of events
   * with different subjects goes to (envelopeSubjectFor: one per topic partition).
   * `json` is the event's serialised body; `mark` the topic's schema mark, sent as the
   * SCHEMA_HEADER of the message that carries it.
   */
  publish(group: string, subject: string, id: string, headers: BusHeaders | undefined, json: string, mark?: string): Promise<void> {
    if (this.limits.maxEvents <= 1) return this.send(subject, this.bytes(json), id, singleHeaders(headers, mark));
    return new Promise<void>((resolve, reject) => {
      let batch = this.open.get(group);
      if (batch && (batch.members.length >= this.limits.maxEvents || batch.bytes + json.length > this.limits.maxBytes)) {
        this.open.delete(group);
        this.dispatch(batch);
        batch = undefined;
      }
      if (!batch) {
        batch = { group, mark, members: [], bytes: 0 };
        this.open.set(group, batch);
      }
      batch.members.push({ subject, id, headers, json, resolve, reject });
      batch.bytes += json.length;
      this.scheduleFlush();
    });
  }

  /** Hands every open batch to the publisher now. */
  flush(): void {
    this.flushScheduled = false;
    const batches = [...this.open.values()];
    this.open.clear();
    for (const batch of batches) this.dispatch(batch);
  }

  /** Resolves once every batch queued so far was handed over and settled. */
  async whenIdle(): Promise<void> {
    this.flush();
    while (this.sending.size > 0) await Promise.allSettled([...this.sending]);
  }

  get queued(): number {
    let count = 0;
    for (const batch of this.open.values()) count += batch.members.length;
    return count;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private dispatch(batch: Batch): void {
    const members = batch.members;
    const first = members[0] as Member;
    let sent: Promise<void>;
    if (members.length === 1) {
      sent = this.send(first.subject, this.bytes(first.json), first.id, singleHeaders(first.headers, batch.mark));
    } else {
      this.counters.envelopes += 1;
      this.counters.enveloped += members.length;
      sent = this.send(envelopeSubject(batch.group, members), encodeEnvelope(members), envelopeId(members.map((member) => member.id)), envelopeHeaders(batch.mark));
    }
    const tracked = sent.then(
      () => {
        for (const member of members) member.resolve();
      },
      (error: Error) => {
        for (const member of members) member.reject(members.length === 1 ? error : new Error(`${error.message} (event ${member.id}, in an envelope of ${members.length})`));
      },
    );
    this.sending.add(tracked);
    void tracked.finally(() => this.sending.delete(tracked));
  }
}

/** The members' own subject when they share one, else the group's mixed subject (which every consumer of the partition matches). */
function envelopeSubject(group: string, members: readonly Member[]): string {
  const subject = (members[0] as Member).subject;
  return members.every((member) => member.subject === subject) ? subject : group;
}
