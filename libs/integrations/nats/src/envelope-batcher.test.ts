import type { BusHeaders } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, ENVELOPE_HEADER } from './envelope.js';
import { EnvelopeBatcher } from './envelope-batcher.js';

interface Sent {
  subject: string;
  payload: Uint8Array;
  id: string;
  headers: BusHeaders | undefined;
}

function recorder(fail?: (sent: Sent) => Error | undefined) {
  const sent: Sent[] = [];
  const send = (subject: string, payload: Uint8Array, id: string, headers: BusHeaders | undefined) => {
    const message = { subject, payload, id, headers };
    sent.push(message);
    const error = fail?.(message);
    return error ? Promise.reject(error) : Promise.resolve();
  };
  return { sent, send };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const members = (sent: Sent) => {
  const decoded = decodeEnvelope(sent.payload);
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.members;
};

describe('EnvelopeBatcher', () => {
  it('sends the events of one turn and one group as one envelope, and an event alone as itself', async () => {
    const { sent, send } = recorder();
    const batcher = new EnvelopeBatcher({ maxEvents: 64, maxBytes: 65_536 }, send, bytes);
    const done = [
      batcher.publish('unified._batch._._.p0', 'unified.pod.ns.a.p0', 'e1', { traceparent: 't1' }, '{"n":1}'),
      batcher.publish('unified._batch._._.p1', 'unified.pod.ns.b.p1', 'e2', undefined, '{"n":2}'),
      batcher.publish('unified._batch._._.p0', 'unified.pod.ns.c.p0', 'e3', undefined, '{"n":3}'),
    ];
    expect(sent).toHaveLength(0); // nothing leaves before the turn ends
    await Promise.all(done);
    expect(sent).toHaveLength(2);
    const [envelope, alone] = sent as [Sent, Sent];
    expect(envelope.subject).toBe('unified._batch._._.p0');
    expect(envelope.headers).toEqual({ [ENVELOPE_HEADER]: '1' });
    expect(envelope.id).toMatch(/^env-/);
    expect(members(envelope)).toEqual([
      { id: 'e1', headers: { traceparent: 't1' }, body: { n: 1 } },
      { id: 'e3', headers: {}, body: { n: 3 } },
    ]);
    expect(alone).toMatchObject({ subject: 'unified.pod.ns.b.p1', id: 'e2', headers: undefined });
    expect(new TextDecoder().decode(alone.payload)).toBe('{"n":2}');
    expect(batcher.counters).toEqual({ envelopes: 1, enveloped: 2 });
  });

  it('keeps the shared subject when every event of an envelope has it', async () => {
    const { sent, send } = recorder();
    const batcher = new EnvelopeBatcher({ maxEvents: 64, maxBytes: 65_536 }, send, bytes);
    await Promise.all(['a', 'b'].map((id) => batcher.publish('raw._batch._._.p0', 'raw.kubeapi.pod.update.p0', id, undefined, '{}')));
    expect(sent.map((message) => message.subject)).toEqual(['raw.kubeapi.pod.update.p0']);
  });

  it('closes an envelope at maxEvents and at maxBytes, keeping the order', async () => {
    const { sent, send } = recorder();
    const batcher = new EnvelopeBatcher({ maxEvents: 3, maxBytes: 1_024 }, send, bytes);
    const big = `"${'x'.repeat(600)}"`;
    await Promise.all([
      ...['a', 'b', 'c', 'd'].map((id) => batcher.publish('g', 's', id, undefined, '1')),
      batcher.publish('g', 's', 'big1', undefined, big),
      batcher.publish('g', 's', 'big2', undefined, big),
    ]);
    const ids = sent.map((message) => (message.headers?.[ENVELOPE_HEADER] ? members(message).map((member) => member.id) : [message.id]));
    expect(ids).toEqual([['a', 'b', 'c'], ['d', 'big1'], ['big2']]);
  });

  it('fails every event of an envelope the server did not store, naming each', async () => {
    const { send } = recorder(() => new Error('stream full'));
    const batcher = new EnvelopeBatcher({ maxEvents: 64, maxBytes: 65_536 }, send, bytes);
    const results = await Promise.allSettled(['a', 'b'].map((id) => batcher.publish('g', 's', id, undefined, '{}')));
    expect(results.map((result) => (result.status === 'rejected' ? (result.reason as Error).message : 'stored'))).toEqual([
      'stream full (event a, in an envelope of 2)',
      'stream full (event b, in an envelope of 2)',
    ]);
  });

  it('sends every event alone with maxEvents 1', async () => {
    const { sent, send } = recorder();
    const batcher = new EnvelopeBatcher({ maxEvents: 1, maxBytes: 65_536 }, send, bytes);
    await Promise.all(['a', 'b'].map((id) => batcher.publish('g', 's', id, undefined, '{}')));
    expect(sent.map((message) => [message.id, message.headers])).toEqual([['a', undefined], ['b', undefined]]);
  });

  it('whenIdle waits for what was queued to be stored', async () => {
    let release: () => void = () => undefined;
    const batcher = new EnvelopeBatcher({ maxEvents: 64, maxBytes: 65_536 }, () => new Promise<void>((resolve) => (release = resolve)), bytes);
    let stored = false;
    void batcher.publish('g', 's', 'a', undefined, '{}').then(() => (stored = true));
    const idle = batcher.whenIdle();
    expect(batcher.queued).toBe(0);
    release();
    await idle;
    expect(stored).toBe(true);
  });
});
