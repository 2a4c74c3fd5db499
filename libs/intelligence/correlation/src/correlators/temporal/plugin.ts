import { definePlugin } from '@tapio/domain';
import { z } from 'zod';
import { TemporalCorrelator } from './temporal-correlator.js';

/** Temporal correlation: failures and changes on related entities within a window (CORRELATED_WITH). */
export const temporalCorrelatorPlugin = definePlugin({
  id: 'temporal',
  kind: 'correlator',
  description: 'Temporal correlation: failures and changes on related entities within a window (CORRELATED_WITH).',
  needs: {},
  configSchema: z.object({ windowMinutes: z.number().positive().optional(), maxLinks: z.number().int().min(1).optional() }).strict(),
  register: ({ config }) => ({
    correlators: [
      new TemporalCorrelator({
        ...(config.windowMinutes !== undefined ? { windowMs: config.windowMinutes * 60_000 } : {}),
        ...(config.maxLinks !== undefined ? { maxLinks: config.maxLinks } : {}),
      }),
    ],
  }),
});
