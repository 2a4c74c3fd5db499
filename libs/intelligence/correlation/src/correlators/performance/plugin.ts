import { definePlugin } from '@tapio/domain';
import { z } from 'zod';
import { PerformanceCorrelator } from './performance-correlator.js';

/** Performance correlation: OOM kills → memory pressure → evictions; noisy neighbours on a node. */
export const performanceCorrelatorPlugin = definePlugin({
  id: 'performance',
  kind: 'correlator',
  description: 'Performance correlation: OOM kills → memory pressure → evictions; noisy neighbours on a node.',
  needs: {},
  configSchema: z.object({ windowMinutes: z.number().positive().optional() }).strict(),
  register: ({ config }) => ({ correlators: [new PerformanceCorrelator(config.windowMinutes !== undefined ? config.windowMinutes * 60_000 : undefined)] }),
});
