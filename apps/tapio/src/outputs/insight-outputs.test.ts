import { describe, expect, it } from 'vitest';
import { insightWith, RecordingMetrics, silentLogger, type Insight, type InsightNotification, type InsightSink } from '@tapio/domain';
import { InProcessBus } from '@tapio/embedded';
import { SinkDelivery, SinkSettings } from '@tapio/sinks';
import { InsightOutputs } from './insight-outputs.js';

const AT = '2026-03-02T10:00:00Z';

function insight(n: number): Insight {
  return insightWith({
    id: `ins-${n}`,
    title: `crash-loop ${n}`,
    pattern: 'crash-loop',
    rootCause: { entity: { cluster: 'c', kind: 'Pod', namespace: 'shop', name: `web-${n}` }, what: 'restarted' },
    story: `pod web-${n} keeps restarting`,
    createdAt: AT,
  });
}

/** A sink that keeps what it was told. */
class KeepingSink implements InsightSink {
  readonly id = 'keeping';
  readonly told: string[] = [];
  async send(notification: InsightNotification): Promise<void> {
    this.told.push(`${notification.change} ${notification.insight.id}`);
  }
}

function outputs(options: { resolveAfterMs: number; maxOpen?: number }, now: () => number) {
  const sink = new KeepingSink();
  const metrics = new RecordingMetrics();
  const delivery = new SinkDelivery(sink, SinkSettings.parse({}), metrics, silentLogger);
  return { sink, delivery, outputs: new InsightOutputs(new InProcessBus(), [delivery], metrics, silentLogger, options, now) };
}

describe('InsightOutputs', () => {
  it('follows at most maxOpen incidents: beyond it the one with the oldest news is resolved at once', async () => {
    let now = 0;
    const { sink, delivery, outputs: out } = outputs({ resolveAfterMs: 60 * 60_000, maxOpen: 3 }, () => now);
    for (let n = 1; n <= 3; n += 1) {
      now = n;
      await out.handle(insight(n));
    }
    // News of ins-1 makes ins-2 the oldest.
    now = 4;
    await out.handle({ ...insight(1), symptoms: [{ cluster: 'c', kind: 'Pod', namespace: 'shop', name: 'peer' }] });
    for (let n = 4; n <= 6; n += 1) {
      now = n + 1;
      await out.handle(insight(n));
    }
    expect(out.openCount).toBe(3);
    await delivery.stop(1_000);
    expect(sink.told).toEqual(['new ins-1', 'new ins-2', 'new ins-3', 'changed ins-1', 'resolved ins-2', 'new ins-4', 'resolved ins-3', 'new ins-5', 'resolved ins-1', 'new ins-6']);
  });

  it('resolves the incidents without news for resolveAfterMs, and only those', async () => {
    let now = 0;
    const { sink, delivery, outputs: out } = outputs({ resolveAfterMs: 100 }, () => now);
    await out.handle(insight(1));
    now = 50;
    await out.handle(insight(2));
    now = 120;
    await out.resolveEnded();
    expect(out.openCount).toBe(1);
    now = 200;
    await out.resolveEnded();
    expect(out.openCount).toBe(0);
    await delivery.stop(1_000);
    expect(sink.told).toEqual(['new ins-1', 'new ins-2', 'resolved ins-1', 'resolved ins-2']);
  });
});
