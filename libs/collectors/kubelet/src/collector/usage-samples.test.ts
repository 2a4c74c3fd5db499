import { describe, expect, it } from 'vitest';
import { KubeletPodList, KubeletSummary, parseAnswer } from './kubelet-answers.js';
import { MemoryTrends } from './memory-trend.js';
import { parseQuantity } from './quantity.js';
import { ReportPolicy } from './report-policy.js';
import { containerShares, usageSamples } from './usage-samples.js';

const MIB = 1024 * 1024;
const POD = { name: 'api-1', namespace: 'ledger', uid: 'u1' };
const pods = parseAnswer(
  KubeletPodList,
  {
    kind: 'PodList',
    items: [{ metadata: POD, spec: { containers: [{ name: 'app', resources: { limits: { memory: '64Mi', cpu: '500m', 'ephemeral-storage': '1Gi' } } }, { name: 'sidecar', resources: {} }] } }],
  },
  '/pods',
);
const summary = (workingSet: number, time = '2026-12-03T05:00:00Z') =>
  parseAnswer(
    KubeletSummary,
    {
      node: { nodeName: 'n1', memory: { time, availableBytes: 8e9 } },
      pods: [
        {
          podRef: POD,
          containers: [
            { name: 'app', cpu: { time, usageNanoCores: 250_000_000 }, memory: { time, workingSetBytes: workingSet } },
            { name: 'sidecar', memory: { time, workingSetBytes: 2 * MIB } },
          ],
          'ephemeral-storage': { time, usedBytes: 1024 },
        },
      ],
    },
    '/stats/summary',
  );

describe('kubelet answers to samples', () => {
  it('parses Kubernetes quantities and refuses what is not one', () => {
    expect(parseQuantity('64Mi')).toBe(64 * MIB);
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('1.5G')).toBe(1.5e9);
    expect(parseQuantity('2e3')).toBe(2000);
    expect(() => parseQuantity('64 MB')).toThrow('"64 MB" is not a Kubernetes quantity');
  });

  it('joins usage with limits: memory and CPU per container, ephemeral storage per pod (limit only when every container has one)', () => {
    const samples = usageSamples('n1', pods, summary(56 * MIB));
    expect(samples.containers[0]).toEqual({ node: 'n1', time: '2026-12-03T05:00:00Z', pod: POD, container: 'app', memory: { workingSetBytes: 56 * MIB, limitBytes: 64 * MIB }, cpu: { usageMillicores: 250, limitMillicores: 500 } });
    expect(containerShares(samples.containers[0] as never)).toEqual([87.5, 50]);
    expect(samples.containers[1]?.memory).toEqual({ workingSetBytes: 2 * MIB });
    expect(samples.pods[0]?.ephemeralStorage).toEqual({ usedBytes: 1024 });
  });

  it('names the field of an answer of the wrong shape', () => {
    expect(() => parseAnswer(KubeletSummary, { node: { nodeName: 'n1' }, pods: [{ podRef: { name: 'x' } }] }, '/stats/summary')).toThrow(/^kubelet \/stats\/summary answer of the wrong shape: pods\.0\.podRef\.namespace/);
    expect(() => parseAnswer(KubeletPodList, { kind: 'PodList', items: [{ metadata: POD, spec: { containers: [{ name: 'a', resources: { limits: { memory: 'lots' } } }] } }] }, '/pods')).toThrow('"lots" is not a Kubernetes quantity');
  });
});

describe('report policy', () => {
  it('reports the first sample, every sample while high, a move of 10 points, and a quiet container every interval', () => {
    const policy = new ReportPolicy({ reportPercent: 80, changePoints: 10, everyMs: 60_000 });
    expect(policy.shouldReport('a', [20], 0)).toBe(true);
    expect(policy.shouldReport('a', [25], 10_000)).toBe(false);
    expect(policy.shouldReport('a', [31], 20_000)).toBe(true);
    expect(policy.shouldReport('a', [32], 30_000)).toBe(false);
    expect(policy.shouldReport('a', [32], 80_000)).toBe(true);
    expect(policy.shouldReport('a', [85], 90_000)).toBe(true);
    expect(policy.shouldReport('a', [85], 100_000)).toBe(true);
  });
});

describe('memory trend', () => {
  const limit = 100 * MIB;

  it('estimates when a steadily growing working set reaches its limit, once per approach', () => {
    const trends = new MemoryTrends({ windowMs: 300_000, minSamples: 4, minSpanMs: 60_000, horizonMinutes: 30 });
    const at = (minute: number) => Date.parse('2026-12-03T05:00:00Z') + minute * 60_000;
    expect(trends.add('c', at(0), 40 * MIB, limit)).toBeUndefined();
    expect(trends.add('c', at(1), 44 * MIB, limit)).toBeUndefined();
    expect(trends.add('c', at(2), 48 * MIB, limit)).toBeUndefined();
    // A straight line: it fits perfectly.
    expect(trends.add('c', at(3), 52 * MIB, limit)).toEqual({ growthBytesPerMinute: 4 * MIB, minutesToLimit: 12, samples: 4, fit: 1 });
    expect(trends.add('c', at(4), 56 * MIB, limit)).toBeUndefined();
    for (const minute of [5, 6, 7, 8]) expect(trends.add('c', at(minute), (40 + 4 * minute) * MIB, limit), `minute ${minute}`).toBeUndefined();
    // The estimate halved (12 -> 6 minutes): reported again.
    expect(trends.add('c', at(9), 76 * MIB, limit)?.minutesToLimit).toBe(6);
  });

  it('tells how well the line fits: noisy growth fits worse than steady growth', () => {
    const trends = new MemoryTrends({ windowMs: 600_000, minSamples: 4, minSpanMs: 0, horizonMinutes: 60 });
    const at = (minute: number) => minute * 60_000;
    const noisy = [40, 52, 44, 60, 50, 64].map((mib, minute) => trends.add('noisy', at(minute), mib * MIB, limit)).filter((estimate) => estimate !== undefined);
    expect(noisy[0]?.fit).toBeGreaterThan(0.3);
    expect(noisy[0]?.fit).toBeLessThan(0.9);
  });

  it('a working set that only jitters around a level predicts nothing with minFit; without it, chance lines look like growth', () => {
    // The collector's defaults, polling every 10 s for 40 minutes, 60% of the limit ± 20%: 30 seeds of jitter.
    const options = { windowMs: 300_000, minSamples: 4, minSpanMs: 60_000, horizonMinutes: 30 };
    const jitter = (seed: number, index: number) => Math.sin(seed * 12.9898 + index * 78.233) * 43_758.5453 - Math.floor(Math.sin(seed * 12.9898 + index * 78.233) * 43_758.5453);
    let fooled = 0;
    for (let seed = 1; seed <= 30; seed += 1) {
      const strict = new MemoryTrends({ ...options, minFit: 0.8 });
      const naive = new MemoryTrends(options);
      for (let index = 0; index < 240; index += 1) {
        const bytes = Math.round((60 + 40 * (jitter(seed, index) - 0.5)) * MIB);
        expect(strict.add('flat', index * 10_000, bytes, limit), `seed ${seed}, sample ${index}`).toBeUndefined();
        if (naive.add('flat', index * 10_000, bytes, limit)) fooled += 1;
      }
    }
    expect(fooled).toBeGreaterThan(0);
    // A real leak with the same jitter's tenth still fits well and is reported.
    const leak = new MemoryTrends({ ...options, minFit: 0.8 });
    const reported = Array.from({ length: 30 }, (_, index) => leak.add('leak', index * 10_000, Math.round((40 + index * 0.8 + 4 * (jitter(7, index) - 0.5)) * MIB), limit)).filter((estimate) => estimate !== undefined);
    expect(reported.length).toBeGreaterThan(0);
    expect(reported[0]?.fit).toBeGreaterThanOrEqual(0.8);
  });

  it('a restart (the working set falls by half) starts a new series', () => {
    const trends = new MemoryTrends({ windowMs: 300_000, minSamples: 3, minSpanMs: 0, horizonMinutes: 30 });
    const estimates = [90, 94, 98, 2, 6, 10].map((mib, second) => trends.add('c', second * 10_000, mib * MIB, limit));
    expect(estimates.map((estimate) => estimate?.samples)).toEqual([undefined, undefined, 3, undefined, undefined, 3]);
  });

  it('samples spanning less than minSpanMs (a container filling up after its start) predict nothing yet', () => {
    const trends = new MemoryTrends({ windowMs: 300_000, minSamples: 3, minSpanMs: 60_000, horizonMinutes: 30 });
    const estimates = [0, 10, 20, 30, 40, 50, 60].map((second) => trends.add('c', second * 1000, (10 + second) * MIB, limit));
    expect(estimates.map((estimate) => estimate !== undefined)).toEqual([false, false, false, false, false, false, true]);
  });

  it('a flat or shrinking working set, or one without a limit, predicts nothing', () => {
    const trends = new MemoryTrends({ windowMs: 300_000, minSamples: 3, minSpanMs: 0, horizonMinutes: 30 });
    for (let minute = 0; minute < 5; minute += 1) {
      expect(trends.add('flat', minute * 60_000, 90 * MIB, limit)).toBeUndefined();
      expect(trends.add('shrinking', minute * 60_000, (90 - minute) * MIB, limit)).toBeUndefined();
      expect(trends.add('unlimited', minute * 60_000, (10 + minute * 10) * MIB, undefined)).toBeUndefined();
    }
  });

  it('growth too slow to reach the limit within the horizon predicts nothing', () => {
    const trends = new MemoryTrends({ windowMs: 600_000, minSamples: 3, minSpanMs: 0, horizonMinutes: 30 });
    for (let minute = 0; minute < 6; minute += 1) expect(trends.add('slow', minute * 60_000, (10 + minute) * MIB, limit)).toBeUndefined();
  });
});
