import { describe, expect, it } from 'vitest';
import { murmur3Hex128 } from './murmur3.js';

describe('murmur3Hex128', () => {
  it('is deterministic and 32 hex digits', () => {
    expect(murmur3Hex128('raw-abc#lifecycle')).toBe(murmur3Hex128('raw-abc#lifecycle'));
    expect(murmur3Hex128('')).toMatch(/^[0-9a-f]{32}$/);
    expect(murmur3Hex128('x', 1)).not.toBe(murmur3Hex128('x', 0));
  });

  it('has no collision over 200,000 similar ids of every tail length', () => {
    const inputs = new Set<string>();
    for (let n = 0; inputs.size < 200_000; n += 1) inputs.add(`${'raw-0123456789abcdef#signal:'.slice(0, n % 23)}${n}`);
    const digests = new Set([...inputs].map((input) => murmur3Hex128(input)));
    expect(digests.size).toBe(200_000);
  });

  it('changes about half the bits when one character changes (avalanche)', () => {
    const bits = (hex: string) => [...hex].flatMap((digit) => parseInt(digit, 16).toString(2).padStart(4, '0').split('').map(Number));
    let flipped = 0;
    const trials = 500;
    for (let n = 0; n < trials; n += 1) {
      const a = bits(murmur3Hex128(`raw-${n}#lifecycle`));
      const b = bits(murmur3Hex128(`raw-${n}#lifecyclf`));
      flipped += a.filter((bit, index) => bit !== b[index]).length;
    }
    const average = flipped / trials;
    expect(average).toBeGreaterThan(54);
    expect(average).toBeLessThan(74);
  });

  it('tells apart strings that differ only in the high byte of a code unit or in length', () => {
    expect(murmur3Hex128('a\u0100')).not.toBe(murmur3Hex128('a\u0000'));
    expect(murmur3Hex128('ab')).not.toBe(murmur3Hex128('ab\u0000'));
    expect(murmur3Hex128('Pod é')).not.toBe(murmur3Hex128('Pod e'));
  });

  it('gives the digests it always gave: derived event ids are stored, and a replay must find them again', () => {
    // Digests of the first implementation (2026-12), per input: seed 0, then seed 7.
    const known: Array<[string, string, string]> = [
      ['', '00000000000000000000000000000000', '0d45d85efb848988fb848988fb848988'],
      ['a', '033bb196ccef4fe1ccef4fe1ccef4fe1', '3f450bdba3d52120a3d52120a3d52120'],
      ['ab', '260fb953af22b6fdaf22b6fdaf22b6fd', 'a883e4ce085431da085431da085431da'],
      ['abc', '2b5b97a320f75fb55012c2b45012c2b4', '929c4c23c22de19dfb0c64cdfb0c64cd'],
      ['abcd', '95ef82c7e4ec9aa20a8cb00d0a8cb00d', '7bcb2dece2ca4ac2b77cfc38b77cfc38'],
      ['abcdefg', 'bcaae5293bd7867cb93d83d2467f2763', '5584a2b8d8444be95ca57696311b8a3b'],
      ['abcdefgh', 'd8207d1a3d4098ddf765c232705aeb24', 'ca443758214cc4f668af46b5baab8090'],
      ['abcdefghi', '1472082adeec12e4bf13a209d1d5db63', 'b1ef695e359928b3116c40c771fa6ca3'],
      ['raw-0123456789abcdef0123456789abcdef#version', '4541036bf0eb6671dd75e284c331fe95', '066ef7740804e052c2a4e40217d4f782'],
      ['raw-0123456789abcdef0123456789abcdef#signal:pod_restart', '3eaebf1d80364c4f06ccc80c709e4c03', '0ad0fed93711f2396495073aae539a12'],
      ['Pod \u00e9 \u0100\uffff', 'e6ecd7723134065054f74ed13ecb78d5', '68c8f381e74b73b508e61efcf534139f'],
      ['\ud83d\ude00 emoji', 'e6131ece59cf8dc9474ba29d5a8bf318', '0d01d16c04732cdd554efcd84b64550b'],
    ];
    for (const [input, seed0, seed7] of known) {
      expect(murmur3Hex128(input), JSON.stringify(input)).toBe(seed0);
      expect(murmur3Hex128(input, 7), JSON.stringify(input)).toBe(seed7);
    }
    // 2,000 chained digests: inputs of 32 to 37 code units, every block and tail length.
    let chained = '';
    for (let n = 0; n < 2000; n += 1) chained = murmur3Hex128(chained + n);
    expect(chained).toBe('a4c7be743025c045f2984b7f88ace868');
  });
});

