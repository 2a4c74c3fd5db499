import type { DeadLetter } from '@tapio/domain';

/** What is kept of a payload that is too large or cannot be serialised. */
export interface OmittedPayload {
  omitted: string;
  /** Serialised size, when it could be serialised. */
  bytes?: number;
  /** The first bytes of its serialised form (or of the text itself). */
  head?: string;
}

/**
 * The entry as it will be stored, and its NDJSON line (without the newline). The
 * payload is serialised once: if that fails (a value nested deeper than JSON.stringify's
 * stack allows, a cycle) or yields more than `maxPayloadBytes`, it is replaced by a
 * description, its size and its first bytes.
 */
export function boundedEntry(entry: DeadLetter, maxPayloadBytes: number): { entry: DeadLetter; line: string } {
  let payloadText: string | undefined;
  let failure: string | undefined;
  try {
    payloadText = JSON.stringify(entry.payload) ?? 'null';
  } catch (error) {
    failure = (error as Error).message;
  }
  let payload: unknown = entry.payload;
  if (payloadText === undefined) {
    payload = { omitted: `payload could not be serialised: ${failure}` } satisfies OmittedPayload;
  } else if (payloadText.length > maxPayloadBytes) {
    payload = { omitted: `payload of ${payloadText.length} bytes, more than ${maxPayloadBytes}`, bytes: payloadText.length, head: payloadText.slice(0, maxPayloadBytes) } satisfies OmittedPayload;
  }
  const kept: DeadLetter = payload === entry.payload ? entry : { ...entry, payload };
  const { payload: _payload, ...rest } = kept;
  // The payload goes last, so the reason stays readable at the head of a long line.
  const line = `${JSON.stringify(rest).slice(0, -1)},"payload":${payload === entry.payload ? payloadText : JSON.stringify(payload)}}`;
  return { entry: kept, line };
}
