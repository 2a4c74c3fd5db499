import { Insight, RawEvent, UnifiedEvent, type BusTopic, type DeadLetter } from '@tapio/domain';

export type Decoded =
  | { ok: true; value: unknown }
  | { ok: false; stage: DeadLetter['stage']; reason: string; payload: unknown };

const SCHEMAS = { raw: RawEvent, unified: UnifiedEvent, insights: Insight } as const;

/**
 * JSON on the wire. Consumers validate against the domain schema by default: a subject
 * anyone with publish rights can write to is a trust boundary. `validate` may name the
 * topics that are one (the others are taken as published).
 */
export class MessageCodec {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private readonly validated: ReadonlySet<BusTopic>;

  constructor(validate: boolean | readonly BusTopic[]) {
    this.validated = new Set(validate === true ? (Object.keys(SCHEMAS) as BusTopic[]) : validate === false ? [] : validate);
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

  decode(topic: BusTopic, data: Uint8Array): Decoded {
    const text = this.decoder.decode(data);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, stage: 'decode', reason: `not JSON: ${(error as Error).message}`, payload: text.slice(0, 4096) };
    }
    return this.check(topic, value);
  }

  /** A value already parsed (an envelope's member) checked like a message of `topic`. */
  check(topic: BusTopic, value: unknown): Decoded {
    if (!this.validated.has(topic)) return { ok: true, value };
    const parsed = SCHEMAS[topic].safeParse(value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, stage: 'validate', reason: `not a valid ${topic} message: ${issues}`, payload: value };
  }
}
