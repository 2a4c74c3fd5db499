import { definePlugin } from '@tapio/domain';
import { z } from 'zod';
import { SequenceCorrelator } from './sequence-correlator.js';

/** Sequence correlation: config change → rollout → crash chains (TRIGGERED, PRECEDED with delay). */
export const sequenceCorrelatorPlugin = definePlugin({
  id: 'sequence',
  kind: 'correlator',
  description: 'Sequence correlation: config change → rollout → crash chains (TRIGGERED, PRECEDED with delay).',
  needs: {},
  configSchema: z.object({ windowMinutes: z.number().positive().optional(), carryMinutes: z.number().positive().optional() }).strict(),
  register: ({ config }) => ({
    correlators: [new SequenceCorrelator(config.windowMinutes !== undefined ? config.windowMinutes * 60_000 : undefined, config.carryMinutes !== undefined ? config.carryMinutes * 60_000 : undefined)],
  }),
});
