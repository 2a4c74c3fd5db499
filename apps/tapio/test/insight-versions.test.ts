import type { EngineOutput } from '@tapio/correlation';
import type { Insight } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { KubeTraffic } from '../../../tools/bench/kube-traffic.mjs';
import { analyzeRecording } from './support/analyze-recording.js';

const RECORDING = new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url);

/** An insight as a store keyed by id holds it, without the last-seen time (a repeat moves it in the book, and is told once it moved five minutes). */
const content = (insight: Insight) => JSON.stringify({ ...insight, lastSeen: undefined });
const FIVE_MINUTES = 5 * 60_000;

/**
 * What the engine outputs is what the graph stores and the bus publishes, one insight version
 * at a time: a version that says what the one before said is written and sent for nothing.
 * A busy cluster's traffic (ConfigMap edits folding their pods' incidents, predictions judged
 * and re-rating every open incident of their pattern) through the real pipeline and engine.
 */
describe('insight versions (the engine outputs what changed)', () => {
  const traffic = new KubeTraffic({ recording: RECORDING });
  const lines = [...traffic.startingState(), ...traffic.next(6_000)];
  const outputs: EngineOutput[] = [];
  const { engine } = analyzeRecording(lines, undefined, (output) => outputs.push(output));

  it('exercises folds and re-ratings (what repeated versions came from)', () => {
    const insights = outputs.flatMap((output) => output.insights);
    expect(insights.some((insight) => insight.explainedBy)).toBe(true);
    expect(insights.some((insight) => insight.alsoExplains?.length)).toBe(true);
    // A judged prediction re-rates its pattern's incidents in the same output.
    expect(outputs.filter((output) => output.insights.length >= 5).length).toBeGreaterThan(3);
  });

  it('never outputs a version that says what the last version of that insight said', () => {
    const told = new Map<string, string>();
    const repeats: string[] = [];
    for (const output of outputs) {
      for (const insight of output.insights) {
        const text = JSON.stringify(insight);
        if (told.get(insight.id) === text) repeats.push(insight.id);
        told.set(insight.id, text);
      }
    }
    expect(told.size).toBeGreaterThan(20);
    expect(repeats).toEqual([]);
  });

  it('leaves a consumer that applies every output holding what the engine holds', () => {
    const consumer = new Map<string, Insight>();
    for (const output of outputs) for (const insight of output.insights) consumer.set(insight.id, insight);
    const held = engine.insights();
    expect(held.length).toBeGreaterThan(20);
    let behind = 0;
    for (const insight of held) {
      const stored = consumer.get(insight.id) as Insight;
      expect(content(stored), insight.id).toBe(content(insight));
      // The last-seen time the consumer holds is never ahead of the engine's, and less than a
      // step behind (this stream spans seconds; the engine's tests hold the five-minute step).
      const lag = Date.parse(insight.lastSeen) - Date.parse(stored.lastSeen);
      expect(lag, insight.id).toBeGreaterThanOrEqual(0);
      expect(lag, insight.id).toBeLessThan(FIVE_MINUTES);
      if (lag > 0) behind += 1;
    }
    // Repeats did move last-seen times the consumer was not told of (less than a step each).
    expect(behind).toBeGreaterThan(0);
  });

  it('rates incidents in whole percent, so a re-rating that moves less than that is no new version', () => {
    for (const output of outputs) {
      for (const insight of output.insights) {
        expect(Math.round(insight.confidence * 100) / 100).toBe(insight.confidence);
        // The story says the confidence the insight has, re-rated or not.
        const told = [...insight.story.matchAll(/\n {2}├─ Confidence: (\d+)%/g)].at(-1);
        expect(Number(told?.[1]), insight.story).toBe(Math.round(insight.confidence * 100));
      }
    }
    const versions = outputs.reduce((sum, output) => sum + output.insights.length, 0);
    // Before: every judged prediction re-emitted every open incident of its pattern (4.3 versions per event at 6,000 events).
    expect(versions).toBeLessThan(lines.length / 2);
  });
});
