import { describe, expect, it } from 'vitest';
import { DEFAULT_STREAMS, NatsBusOptions } from './options.js';

describe('NatsBusOptions', () => {
  it('fills every default, with streams kept 24 hours', () => {
    const options = NatsBusOptions.parse({});
    expect(options.servers).toBe('nats://127.0.0.1:4222');
    expect(options.streams.raw).toEqual(DEFAULT_STREAMS.raw);
    expect(options.streams.unified.maxAge).toBe('24h');
    expect(options.publish).toEqual({ maxInFlight: 1024, maxBuffered: 100_000, ackTimeout: '5s', circuit: { failures: 10, halfOpenAfterMs: 1_000 }, batch: { maxEvents: 64, maxBytes: 65_536 } });
    expect(options.partitions).toBe(1);
    expect(options.consume).toMatchObject({ maxFailures: 5, maxDeliver: 50 });
  });

  it('refuses a delivery backstop below the handler failures it should outlast, naming the key', () => {
    const result = NatsBusOptions.safeParse({ consume: { maxFailures: 5, maxDeliver: 3 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe('consume.maxDeliver');
    expect(result.error?.issues[0]?.message).toMatch(/at least maxFailures/);
  });

  it('merges a partial stream section over the defaults', () => {
    const options = NatsBusOptions.parse({ streams: { unified: { maxAge: '6h', replicas: 3 } } });
    expect(options.streams.unified).toEqual({ ...DEFAULT_STREAMS.unified, maxAge: '6h', replicas: 3 });
    expect(options.streams.raw).toEqual(DEFAULT_STREAMS.raw);
  });

  it('validates every topic unless told which', () => {
    expect(NatsBusOptions.parse({}).consume.validate).toBe(true);
    expect(NatsBusOptions.parse({ consume: { validate: ['raw'] } }).consume.validate).toEqual(['raw']);
    const result = NatsBusOptions.safeParse({ consume: { validate: ['rwa'] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toMatch(/^consume\.validate/);
  });

  it('refuses unknown keys, so a misplaced setting is not silently ignored', () => {
    const result = NatsBusOptions.safeParse({ maxAge: '1h', streams: { unified: { maxage: '1h' } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.code, issue.path.join('.')])).toEqual(
      expect.arrayContaining([
        ['unrecognized_keys', ''],
        ['unrecognized_keys', 'streams.unified'],
      ]),
    );
  });

  it('refuses bad values with the path of the mistake', () => {
    const result = NatsBusOptions.safeParse({ streams: { raw: { maxAge: 'one day', retention: 'forever' } }, auth: { password: 'x' } });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['streams.raw.maxAge', 'streams.raw.retention', 'auth']));
  });

  it('refuses interest retention, which acknowledges and then drops what is published before a consumer exists', () => {
    const result = NatsBusOptions.safeParse({ streams: { raw: { retention: 'interest', discard: 'new' } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe('streams.raw.retention');
    expect(result.error?.issues[0]?.message).toMatch(/discards what is published before a consumer exists; use "workqueue"/);
  });

  it('refuses discard: new on a limits stream, which wedges publishers once full', () => {
    const result = NatsBusOptions.safeParse({ streams: { unified: { discard: 'new' } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe('streams.unified.discard');
    expect(NatsBusOptions.parse({ streams: { unified: { retention: 'workqueue', discard: 'new' } } }).streams.unified).toMatchObject({ retention: 'workqueue', discard: 'new' });
  });
});
