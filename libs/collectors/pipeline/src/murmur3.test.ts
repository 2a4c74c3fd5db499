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
});
