import { describe, expect, it } from 'vitest';
import { TcpMessageSplitter } from './tcp-messages.js';

const framed = (...bodies: string[]): Buffer => Buffer.concat(bodies.map((body) => Buffer.concat([Buffer.from([0, body.length]), Buffer.from(body)])));

describe('TcpMessageSplitter', () => {
  it('yields each message starting in a segment, pipelined ones included', () => {
    const splitter = new TcpMessageSplitter();
    const segment = framed('first', 'second');
    expect(splitter.split('s', 1000, segment, segment.length, 0).map(String)).toEqual(['first', 'second']);
    const next = framed('third');
    expect(splitter.split('s', 1000 + segment.length, next, next.length, 0).map(String)).toEqual(['third']);
  });

  it('skips continuation segments of a long message and resumes at the next message', () => {
    const splitter = new TcpMessageSplitter();
    const head = Buffer.concat([Buffer.from([0x01, 0x00]), Buffer.from('x'.repeat(100))]); // declares 256 bytes
    expect(splitter.split('s', 0, head, head.length, 0)).toHaveLength(1);
    expect(splitter.split('s', head.length, Buffer.from('y'.repeat(156)), 156, 0)).toEqual([]);
    const after = framed('next');
    expect(splitter.split('s', 258, after, after.length, 0).map(String)).toEqual(['next']);
  });

  it('forgets idle streams', () => {
    const splitter = new TcpMessageSplitter();
    splitter.split('s', 0, framed('a'), 3, 0);
    splitter.sweep(10_000, 1000);
    // A fresh start is accepted at any sequence number again.
    expect(splitter.split('s', 5000, framed('b'), 3, 10_000).map(String)).toEqual(['b']);
  });
});
