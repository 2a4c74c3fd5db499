import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RawEvent, type TransformContext } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

const RECORDINGS = new URL('../../../../../examples/recordings/', import.meta.url);

const context = (line: number): TransformContext => ({ eventId: (_raw, discriminator) => `line${line}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: 'prod-west' });

function lines(name: string): RawEvent[] {
  return readFileSync(new URL(`${name}.ndjson`, RECORDINGS), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((text) => RawEvent.parse(JSON.parse(text)));
}

/** A tiny seeded generator, so a failing crash point can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A durable store as the transformer stage uses one: it keeps what `changes()` gave after each transform. */
class Store {
  readonly entries = new Map<string, unknown>();
  take(transformer: KubeApiTransformer): void {
    for (const [key, value] of transformer.durableState.changes()) {
      if (value === undefined) this.entries.delete(key);
      else this.entries.set(key, JSON.parse(JSON.stringify(value)));
    }
  }
}

/**
 * Runs a recording with a crash after `crashAt` lines: the last `inFlight` of them were
 * transformed (and their state maybe written) but not acknowledged, so a restarted
 * transformer gets them again, shuffled, before the rest. Returns event id → type.
 */
function withCrash(raws: readonly RawEvent[], crashAt: number, inFlight: number, stateWritten: boolean, next: () => number): Map<string, string> {
  const out = new Map<string, string>();
  const emit = (transformer: KubeApiTransformer, index: number): void => {
    for (const event of transformer.transform(raws[index] as RawEvent, context(index + 1))) {
      const known = out.get(event.id);
      // The same id twice must be the same event (the bus and graph keep one).
      if (known !== undefined) expect(known).toBe(event.type);
      out.set(event.id, event.type);
    }
  };
  const store = new Store();
  const first = new KubeApiTransformer();
  first.durableState.restore([]);
  const acknowledged = crashAt - inFlight;
  for (let index = 0; index < crashAt; index += 1) {
    emit(first, index);
    if (index < acknowledged || stateWritten) store.take(first);
  }
  const second = new KubeApiTransformer();
  second.durableState.restore(store.entries);
  const again = Array.from({ length: crashAt - acknowledged }, (_, offset) => acknowledged + offset).sort(() => next() - 0.5);
  for (const index of again) emit(second, index);
  for (let index = crashAt; index < raws.length; index += 1) emit(second, index);
  return out;
}

describe('the kubeapi transformer state kept durable across a crash', () => {
  for (const name of ['oom-cascade', 'configmap-cascade']) {
    it(`${name}: after crashes at random lines, redelivered RawEvents in any order, the events are exactly those of an uninterrupted run`, () => {
      const raws = lines(name);
      const reference = new Map<string, string>();
      const whole = new KubeApiTransformer();
      raws.forEach((raw, index) => {
        for (const event of whole.transform(raw, context(index + 1))) reference.set(event.id, event.type);
      });
      expect(reference.size).toBeGreaterThan(50);
      const next = random(16);
      for (let trial = 0; trial < 40; trial += 1) {
        const crashAt = 1 + Math.floor(next() * raws.length);
        const inFlight = Math.min(crashAt, Math.floor(next() * 6));
        const got = withCrash(raws, crashAt, inFlight, trial % 2 === 0, next);
        expect({ trial, crashAt, inFlight, events: [...got].sort() }).toEqual({ trial, crashAt, inFlight, events: [...reference].sort() });
      }
    });
  }

  it('a restart from the graph alone (no durable state) misses the restarts that follow: why the state is kept', () => {
    const raws = lines('oom-cascade');
    const reference = new KubeApiTransformer();
    const all = raws.flatMap((raw, index) => reference.transform(raw, context(index + 1))).filter((event) => event.type === 'pod_restart');
    const half = Math.floor(raws.length / 2);
    const before = new KubeApiTransformer();
    const firstHalf = raws.slice(0, half).flatMap((raw, index) => before.transform(raw, context(index + 1))).filter((event) => event.type === 'pod_restart');
    const forgetful = new KubeApiTransformer();
    const secondHalf = raws.slice(half).flatMap((raw, index) => forgetful.transform(raw, context(half + index + 1))).filter((event) => event.type === 'pod_restart');
    expect(firstHalf.length + secondHalf.length).toBeLessThan(all.length);
  });
});
