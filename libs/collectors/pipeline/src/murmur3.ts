/**
 * A 128-bit MurmurHash3 (x86_128 rounds and finalisation) over a string's UTF-16
 * code units, as 32 hex digits. Not byte-compatible with reference implementations,
 * and not cryptographic: used where a digest only has to be unique among values an
 * attacker does not choose (event ids derived from an already SHA-256-digested
 * RawEvent id), at a twentieth of the cost of node:crypto for short strings.
 */
export function murmur3Hex128(text: string, seed = 0): string {
  const state = [seed >>> 0, seed >>> 0, seed >>> 0, seed >>> 0] as [number, number, number, number];
  const words = Math.ceil(text.length / 2);
  const blocks = Math.floor(words / 4);
  for (let block = 0; block < blocks; block += 1) {
    for (let lane = 0; lane < 4; lane += 1) mixLane(state, lane, word(text, block * 4 + lane));
    for (let lane = 0; lane < 4; lane += 1) stirLane(state, lane);
  }
  // The tail: up to three words, mixed without stirring, as the reference does with its tail bytes.
  for (let lane = words - blocks * 4 - 1; lane >= 0; lane -= 1) mixLane(state, lane, word(text, blocks * 4 + lane));
  const length = text.length * 2;
  for (let lane = 0; lane < 4; lane += 1) state[lane] = (state[lane] as number) ^ length;
  combine(state);
  for (let lane = 0; lane < 4; lane += 1) state[lane] = fmix(state[lane] as number);
  combine(state);
  return hex(state[0]) + hex(state[1]) + hex(state[2]) + hex(state[3]);
}

const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hex(value: number): string {
  return (BYTE_HEX[(value >>> 24) & 0xff] as string) + BYTE_HEX[(value >>> 16) & 0xff] + BYTE_HEX[(value >>> 8) & 0xff] + BYTE_HEX[value & 0xff];
}

const C = [0x239b961b, 0xab0e9789, 0x38b34ae5, 0xa1e38b93] as const;
const KEY_ROTATION = [15, 16, 17, 18] as const;
const STATE_ROTATION = [19, 17, 15, 13] as const;
const STATE_ADD = [0x561ccd1b, 0x0bcaa747, 0x96cd1c35, 0x32ac3b17] as const;

/** Two UTF-16 code units as one little-endian 32-bit word (a missing second unit is 0). */
function word(text: string, index: number): number {
  const at = index * 2;
  return (text.charCodeAt(at) | ((at + 1 < text.length ? text.charCodeAt(at + 1) : 0) << 16)) >>> 0;
}

function rotl(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function mixLane(state: number[], lane: number, key: number): void {
  let k = Math.imul(key, C[lane] as number);
  k = rotl(k, KEY_ROTATION[lane] as number);
  k = Math.imul(k, C[(lane + 1) % 4] as number);
  state[lane] = (state[lane] as number) ^ k;
}

function stirLane(state: number[], lane: number): void {
  let h = rotl(state[lane] as number, STATE_ROTATION[lane] as number);
  h = (h + (state[(lane + 1) % 4] as number)) | 0;
  state[lane] = (Math.imul(h, 5) + (STATE_ADD[lane] as number)) | 0;
}

function combine(state: number[]): void {
  state[0] = ((state[0] as number) + (state[1] as number) + (state[2] as number) + (state[3] as number)) | 0;
  for (let lane = 1; lane < 4; lane += 1) state[lane] = ((state[lane] as number) + (state[0] as number)) | 0;
}

function fmix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
