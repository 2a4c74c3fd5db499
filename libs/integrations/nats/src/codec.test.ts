import { describe, expect, it } from 'vitest';
import { MessageCodec } from './codec.js';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const notAnEvent = { hello: 'world' };

describe('MessageCodec', () => {
  it('validates every topic by default and names what is wrong', () => {
    const codec = new MessageCodec(true);
    for (const topic of ['raw', 'unified', 'insights'] as const) {
      const decoded = codec.decode(topic, bytes(notAnEvent));
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(new RegExp(`not a valid ${topic} message`));
    }
  });

  it('validates only the topics named, and takes the others as published', () => {
    const codec = new MessageCodec(['raw']);
    expect(codec.decode('raw', bytes(notAnEvent)).ok).toBe(false);
    expect(codec.decode('unified', bytes(notAnEvent))).toEqual({ ok: true, value: notAnEvent });
    expect(codec.decode('insights', bytes(notAnEvent))).toEqual({ ok: true, value: notAnEvent });
  });

  it('refuses what is not JSON on every topic, validated or not', () => {
    const decoded = new MessageCodec(false).decode('unified', new TextEncoder().encode('{not json'));
    expect(decoded).toMatchObject({ ok: false, stage: 'decode' });
  });
});
