import { definePlugin } from '@tapio/domain';
import { z } from 'zod';
import { DependencyCorrelator } from './dependency-correlator.js';

/** Dependency correlation: shared ConfigMaps, Secrets, PVCs and nodes; Service impact of failing pods. */
export const dependencyCorrelatorPlugin = definePlugin({
  id: 'dependency',
  kind: 'correlator',
  description: 'Dependency correlation: shared ConfigMaps, Secrets, PVCs and nodes; Service impact of failing pods.',
  needs: {},
  configSchema: z.object({ windowMinutes: z.number().positive().optional() }).strict(),
  register: ({ config }) => ({ correlators: [new DependencyCorrelator(config.windowMinutes !== undefined ? config.windowMinutes * 60_000 : undefined)] }),
});
