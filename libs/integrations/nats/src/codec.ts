import type { BusTopic, DeadLetter } from '@tapio/domain';
import { schemaMark, TOPIC_SCHEMAS } from './schema-mark.js';

export type Decoded =
  | { ok: true; value: unknown }
  | { ok: false; stage: DeadLetter['stage']; reason: string; payload: unknown };

/**
 * JSON on the wire. Consumers validate against the domain schema by default: a subject
 * anyone with publish rights can write to is a trust boundary. `validate` may name the
 * topics that are one (the others are taken as published). With `trustMarked`, a message
 * a Tapio publisher marked with this topic's schema mark (SCHEMA_HEADER) is taken as
 * checked: it was built by Tapio's typed code and checked where it came in.
 */
export class MessageCodec {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private readonly validated: ReadonlySet<BusTopic>;

  constructor(
    validate: boolean | readonly BusTopic[],
    private readonly trustMarked = false,
  ) {
    this.validated = new Set(validate === true ? (Object.keys(TOPIC_SCHEMAS) as BusTopic[]) : validate === false ? [] : validate);
  }

  /** Whether a message of `topic` carrying `mark` (its SCHEMA_HEADER) skips the schema check. */
  trusts(topic: BusTopic, mark: string | undefined): boolean {
    return this.trustMarked && mark !== undefined && this.validated.has(topic) && mark === schemaMark(topic);
  }

  encode(message: unknown): Uint8Array {
    return this.encoder.encode(JSON.stringify(message));
  }

  /** The message as JSON text (an envelope splices it in as it is). */
  encodeText(message: unknown): string {
    return JSON.stringify(message);
  }

  bytes(text: string): Uint8Array {
    return this.encoder.encode(text);
  }

  /** `trusted`: a marked message of this schema (see `trusts`), parsed but not checked. */
  decode(topic: BusTopic, data: Uint8Array, trusted = false): Decoded {
    const text = this.decoder.decode(data);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, stage: 'decode', reason: `not JSON: ${(error as Error).message}`, payload: text.slice(0, 4096) };
    }
    return trusted ? { ok: true, value } : this.check(topic, value);
  }

  /** A value already parsed (an envelope's member) checked like a message of `topic`. */
  check(topic: BusTopic, value: unknown): Decoded {
    if (!this.validated.has(topic)) return { ok: true, value };
    const parsed = TOPIC_SCHEMAS[topic].safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, stage: 'validate', reason: `not a valid ${topic} message: ${issues}`, payload: value };
  }
}
