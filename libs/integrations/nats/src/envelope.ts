import { createHash } from 'node:crypto';
import type { BusHeaders } from '@tapio/domain';

/**
 * The batch envelope: several events of one topic partition in one NATS message,
 * `{ v: 1, events: [{ id, headers, body }] }`, marked by the ENVELOPE_HEADER header. A
 * message without the header is one event, as published before envelopes existed (and by
 * anyone publishing plain JSON on a topic): both are read.
 */
export const ENVELOPE_HEADER = 'Tapio-Envelope';
export const ENVELOPE_VERSION = 1;

/** One event of an envelope: its id (what Nats-Msg-Id would have been alone), its headers, its JSON. */
export interface EnvelopeMember {
  id: string;
  headers: BusHeaders;
  body: unknown;
}

export type DecodedEnvelope = { ok: true; members: EnvelopeMember[] } | { ok: false; reason: string; payload: unknown };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The envelope of members whose bodies are already JSON text: the bodies are spliced in
 * as they are, so each event is serialised once however it travels.
 */
export function encodeEnvelope(members: ReadonlyArray<{ id: string; headers: BusHeaders | undefined; json: string }>): Uint8Array {
  let text = `{"v":${ENVELOPE_VERSION},"events":[`;
  for (let index = 0; index < members.length; index += 1) {
    const member = members[index] as { id: string; headers: BusHeaders | undefined; json: string };
    if (index > 0) text += ',';
    text += `{"id":${JSON.stringify(member.id)},"headers":${member.headers ? JSON.stringify(member.headers) : '{}'},"body":${member.json}}`;
  }
  return encoder.encode(`${text}]}`);
}

/**
 * The Nats-Msg-Id of an envelope: a digest of its members' ids in order. The same
 * envelope sent again (a publisher's retry) is dropped by the server; the same events
 * grouped otherwise (re-published after a crash) are not, and the consumer skips the
 * members it already completed (RecentIds).
 */
export function envelopeId(ids: readonly string[]): string {
  return `env-${createHash('sha256').update(ids.join('\n')).digest('base64url').slice(0, 32)}`;
}

function isHeaders(value: unknown): value is BusHeaders {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

/** The members of an envelope, or why it is not one (the whole message is then dead-lettered). */
export function decodeEnvelope(data: Uint8Array): DecodedEnvelope {
  const text = decoder.decode(data);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `envelope is not JSON: ${(error as Error).message}`, payload: text.slice(0, 4096) };
  }
  const envelope = value as { v?: unknown; events?: unknown };
  if (typeof envelope !== 'object' || envelope === null || envelope.v !== ENVELOPE_VERSION || !Array.isArray(envelope.events) || envelope.events.length === 0) {
    return { ok: false, reason: `not a version ${ENVELOPE_VERSION} envelope ({ v: ${ENVELOPE_VERSION}, events: [{ id, headers, body }, ...] })`, payload: value };
  }
  const members: EnvelopeMember[] = [];
  for (const [index, entry] of (envelope.events as unknown[]).entries()) {
    const member = entry as { id?: unknown; headers?: unknown; body?: unknown };
    if (typeof member !== 'object' || member === null || typeof member.id !== 'string' || member.id.length === 0 || !isHeaders(member.headers ?? {}) || member.body === undefined) {
      return { ok: false, reason: `envelope member ${index} is not { id: non-empty string, headers: { name: string }, body }`, payload: value };
    }
    members.push({ id: member.id, headers: (member.headers ?? {}) as BusHeaders, body: member.body });
  }
  return { ok: true, members };
}
