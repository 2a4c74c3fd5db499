import { token } from './token.js';

/** Wall-clock time, injectable so tests and replays control it. Epoch milliseconds. */
export interface Clock {
  now(): number;
}
export const Clock = token<Clock>('Clock');

export const systemClock: Clock = { now: () => Date.now() };
