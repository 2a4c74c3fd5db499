import { definePlugin } from '@tapio/domain';
import { z } from 'zod';
import { OwnershipCorrelator } from './ownership-correlator.js';

/** Ownership correlation: rollouts cause failures of the pods they created; sibling failures roll up to the workload. */
export const ownershipCorrelatorPlugin = definePlugin({
  id: 'ownership',
  kind: 'correlator',
  description: 'Ownership correlation: rollouts cause failures of the pods they created; sibling failures roll up to the workload.',
  needs: {},
  configSchema: z.object({ windowMinutes: z.number().positive().optional() }).strict(),
  register: ({ config }) => ({ correlators: [new OwnershipCorrelator(config.windowMinutes !== undefined ? config.windowMinutes * 60_000 : undefined)] }),
});
