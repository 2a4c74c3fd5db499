import { describe, expect, it } from 'vitest';
import { PromClientMetrics } from './prom-client-metrics.js';

describe('PromClientMetrics.defaultMetrics', () => {
  it("reads prom-client's process_* and nodejs_* families with their Prometheus type names, leaving out what Tapio registered", async () => {
    const metrics = new PromClientMetrics();
    metrics.counter('tapio_things_total', 'things').inc();
    metrics.gauge('tapio_depth', 'depth').set(3);
    const families = await metrics.defaultMetrics();
    const names = families.map((family) => family.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds']));
    expect(names.filter((name) => name.startsWith('tapio_'))).toEqual([]);
    expect(families.find((family) => family.name === 'process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.find((family) => family.name === 'nodejs_gc_duration_seconds')?.type).toBe('histogram');
    expect(families.find((family) => family.name === 'process_resident_memory_bytes')?.values[0]?.value).toBeGreaterThan(0);
  });

  it('has none when default metrics are off', async () => {
    expect(await new PromClientMetrics({ defaultMetrics: false }).defaultMetrics()).toEqual([]);
  });
});
