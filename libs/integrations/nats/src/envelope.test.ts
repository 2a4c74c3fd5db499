import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, envelopeId } from './envelope.js';

const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('batch envelope', () => {
  it('carries each member with its id, headers and body, in order', () => {
    const bodies = [{ a: 1 }, { b: ['x', 'y'] }, 'plain'];
    const bytes = encodeEnvelope(bodies.map((body, index) => ({ id: `e${index}`, headers: index === 1 ? { traceparent: 't' } : undefined, json: JSON.stringify(body) })));
    expect(decodeEnvelope(bytes)).toEqual({
      ok: true,
      members: [
        { id: 'e0', headers: {}, body: { a: 1 } },
        { id: 'e1', headers: { traceparent: 't' }, body: { b: ['x', 'y'] } },
        { id: 'e2', headers: {}, body: 'plain' },
      ],
    });
  });

  it('names what is wrong with something that is not an envelope', () => {
    expect(decodeEnvelope(new TextEncoder().encode('{nope'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^envelope is not JSON/) });
    expect(decodeEnvelope(text({ v: 2, events: [{ id: 'a', headers: {}, body: 1 }] }))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a version 1 envelope/) });
    expect(decodeEnvelope(text({ v: 1, events: [] }))).toMatchObject({ ok: false });
    expect(decodeEnvelope(text({ v: 1, events: [{ id: 'a', body: 1 }, { id: '', body: 2 }] }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^envelope member 1 /) });
    expect(decodeEnvelope(text({ v: 1, events: [{ id: 'a', headers: { n: 3 }, body: 1 }] }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^envelope member 0 /) });
  });

  it('has an id that follows its members and their order', () => {
    expect(envelopeId(['a', 'b'])).toBe(envelopeId(['a', 'b']));
    expect(envelopeId(['a', 'b'])).not.toBe(envelopeId(['b', 'a']));
    expect(envelopeId(['a', 'b'])).not.toBe(envelopeId(['a', 'b', 'c']));
    expect(envelopeId(['ab'])).not.toBe(envelopeId(['a', 'b']));
  });
});
