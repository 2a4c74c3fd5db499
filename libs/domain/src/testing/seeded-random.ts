/**
 * A deterministic xorshift32 generator for tests and benchmarks: the same seed gives the same
 * numbers in [0, 1) on every run and every machine, so a randomized test that fails names a
 * seed that replays the failure, and two builds fed by one seed see the same stream. Not for
 * anything an attacker could steer. (`@tapio/domain/testing`: not part of the product's API.)
 */
export function seededRandom(seed: number): () => number {
  // A zero state would stay zero for ever.
  let state = seed | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}
