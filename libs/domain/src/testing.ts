// The entry of the domain's helpers for tests and benchmarks (`@tapio/domain/testing`), kept out
// of the product's API: dependency-cruiser lets only tests and tools import it.
export { seededRandom } from './testing/seeded-random.js';
