import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { endQuietlyWhenClosed } from './closed-stdout.js';

const errorWithCode = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('endQuietlyWhenClosed', () => {
  it('ends with status 0 when the reader closed the stream (EPIPE)', () => {
    const stream = new PassThrough();
    const codes: number[] = [];
    endQuietlyWhenClosed(stream, (code) => codes.push(code));
    stream.emit('error', errorWithCode('EPIPE'));
    expect(codes).toEqual([0]);
  });

  it('throws any other error of the stream', () => {
    const stream = new PassThrough();
    const codes: number[] = [];
    endQuietlyWhenClosed(stream, (code) => codes.push(code));
    expect(() => stream.emit('error', errorWithCode('EIO'))).toThrow('write EIO');
    expect(codes).toEqual([]);
  });
});
