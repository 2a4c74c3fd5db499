import { describe, expect, it } from 'vitest';
import { DnsParseError, parseDnsMessage } from './dns-message.js';

function message(flags: number, questionName: Uint8Array, extra: Uint8Array = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(0xbeef, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(2, 6);
  return Buffer.concat([header, questionName, Buffer.from([0, 28, 0, 1]), extra]);
}
const encoded = (name: string): Buffer => Buffer.concat([...name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);

describe('parseDnsMessage', () => {
  it('reads id, flags, rcode, counts and the question, lower-casing the name', () => {
    expect(parseDnsMessage(message(0x8183, encoded('Cart.Shop.svc.cluster.local')))).toEqual({
      id: 0xbeef, isResponse: true, opcode: 0, truncated: false, rcode: 3, questionCount: 1, answerCount: 2, name: 'cart.shop.svc.cluster.local', type: 28,
    });
  });

  it('follows compression pointers and refuses loops', () => {
    // Name at 12 is a pointer to a name stored after the question.
    const pointerTarget = 12 + 2 + 4;
    const withPointer = message(0x0100, Buffer.from([0xc0, pointerTarget]), encoded('example.org'));
    expect(parseDnsMessage(withPointer).name).toBe('example.org');
    const loop = message(0x0100, Buffer.from([0xc0, 12]));
    expect(() => parseDnsMessage(loop)).toThrow(/compression pointer loop/);
  });

  it('rejects short, question-less and cut-off messages', () => {
    expect(() => parseDnsMessage(Buffer.alloc(5))).toThrow(DnsParseError);
    const noQuestion = message(0x0100, encoded('a.b'));
    noQuestion.writeUInt16BE(0, 4);
    expect(() => parseDnsMessage(noQuestion)).toThrow(/no question/);
    expect(() => parseDnsMessage(message(0x0100, encoded('a.b')).subarray(0, 16))).toThrow(/runs past/);
  });
});
