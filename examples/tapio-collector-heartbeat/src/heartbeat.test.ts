import { describe, expect, it } from 'vitest';
import { RawEvent, UnifiedEvent, type TransformContext } from '@tapio/plugin-api';
import { HeartbeatCollector, osProbe, type HostProbe } from './heartbeat-collector.js';
import { HeartbeatConfig } from './heartbeat-config.js';
import { HeartbeatTransformer } from './heartbeat-transformer.js';

const GiB = 2 ** 30;
const context: TransformContext = { eventId: (_raw, discriminator) => `id-${discriminator}`, processedAt: '2026-03-02T10:00:00.000Z', cluster: 'lab' };

/** A host whose figures the test sets; time advances one interval per beat. */
function host(overrides: Partial<Record<keyof HostProbe, number>> = {}): HostProbe & { set(values: Partial<Record<keyof HostProbe, number>>): void } {
  const values: Record<keyof HostProbe, number> = { load1: 0.5, memAvailableBytes: 6 * GiB, memTotalBytes: 8 * GiB, uptimeSeconds: 3600, now: Date.parse('2026-03-02T10:00:00Z'), ...overrides };
  return {
    load1: () => values.load1,
    memAvailableBytes: () => values.memAvailableBytes,
    memTotalBytes: () => values.memTotalBytes,
    uptimeSeconds: () => values.uptimeSeconds,
    now: () => values.now,
    set: (next) => Object.assign(values, next),
  };
}

async function beats(probe: HostProbe, count: number): Promise<RawEvent[]> {
  const emitted: RawEvent[] = [];
  const collector = new HeartbeatCollector(HeartbeatConfig.parse({ node: 'worker-1', interval: '10ms' }), undefined, probe);
  await new Promise<void>((resolve) => {
    void collector.start({
      emit: async (event) => {
        emitted.push(RawEvent.parse(event));
        if (emitted.length === count) resolve();
      },
    });
  });
  await collector.stop();
  return emitted.slice(0, count);
}

describe('heartbeat collector and transformer', () => {
  it('emits a beat at start and then every interval, stops cleanly and reports its health', async () => {
    const emitted = await beats(osProbe, 3);
    expect(emitted.map((event) => [event.source, event.type, (event.data as { node: string }).node])).toEqual([
      ['heartbeat', 'Heartbeat', 'worker-1'],
      ['heartbeat', 'Heartbeat', 'worker-1'],
      ['heartbeat', 'Heartbeat', 'worker-1'],
    ]);
    const collector = new HeartbeatCollector(HeartbeatConfig.parse({ node: 'n', interval: '1h' }));
    await collector.start({ emit: async () => undefined });
    expect(collector.health()).toEqual({ status: 'ok', details: { node: 'n', beats: 1 } });
    await collector.stop();
    expect(collector.health().status).toBe('stopped');
  });

  it('keeps beating when Tapio refuses a beat, and says so in its health', async () => {
    const collector = new HeartbeatCollector(HeartbeatConfig.parse({ node: 'n', interval: '1h' }));
    await collector.start({ emit: async () => Promise.reject(new Error('bus closed')) });
    expect(collector.health()).toMatchObject({ status: 'degraded', reason: 'last heartbeat was refused: bus closed' });
    await collector.stop();
  });

  it('turns a beat into a valid custom event with the figures as metrics', () => {
    const transformer = new HeartbeatTransformer();
    const [raw] = [RawEvent.parse({ timestamp: '2026-03-02T10:00:00Z', type: 'Heartbeat', source: 'heartbeat', data: { node: 'worker-1', load1: 1.5, memAvailableBytes: 4 * GiB, memTotalBytes: 8 * GiB, uptimeSeconds: 100, bootedAt: 1, memoryPressureRatio: 0.1 } })];
    const events = transformer.transform(raw as RawEvent, context);
    expect(events.map((event) => event.type)).toEqual(['custom']);
    expect(UnifiedEvent.parse(events[0])).toMatchObject({ entity: { kind: 'Node', name: 'worker-1', cluster: 'lab' }, metrics: { load1: 1.5, memAvailableBytes: 4 * GiB } });
    expect(events[0]?.message).toBe('Node worker-1 heartbeat: load 1.50, 4096Mi of 8192Mi available, up 100s');
  });

  it('reports memory pressure under the threshold and a reboot when the boot time moves', async () => {
    const probe = host();
    const transformer = new HeartbeatTransformer();
    const types = async () => (await beats(probe, 1)).flatMap((raw) => transformer.transform(raw, context).map((event) => event.type));
    expect(await types()).toEqual(['custom']);
    probe.set({ memAvailableBytes: 0.5 * GiB, now: Date.parse('2026-03-02T10:00:30Z'), uptimeSeconds: 3630 });
    expect(await types()).toEqual(['custom', 'memory_pressure']);
    probe.set({ memAvailableBytes: 6 * GiB, now: Date.parse('2026-03-02T10:05:00Z'), uptimeSeconds: 40 });
    expect(await types()).toEqual(['custom', 'node_rebooted']);
  });

  it('rejects a malformed beat naming the field', () => {
    const raw = RawEvent.parse({ timestamp: '2026-03-02T10:00:00Z', type: 'Heartbeat', source: 'heartbeat', data: { node: 'n', load1: -1 } });
    expect(() => new HeartbeatTransformer().transform(raw, context)).toThrow(/^heartbeat: data\.load1 /);
    expect(() => new HeartbeatTransformer().transform({ ...raw, type: 'Pulse' }, context)).toThrow('heartbeat: unknown raw type "Pulse" (expected Heartbeat)');
  });

  it('validates its tapio.yaml section', () => {
    expect(HeartbeatConfig.safeParse({ interval: 'often' }).success).toBe(false);
    expect(HeartbeatConfig.safeParse({ intervall: '5s' }).success).toBe(false);
    expect(HeartbeatConfig.parse({}).interval).toBe('30s');
  });
});
