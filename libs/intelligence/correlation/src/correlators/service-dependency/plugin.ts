import { definePlugin } from '@tapio/domain';
import { z } from 'zod';
import { ServiceDependencyCorrelator } from './service-dependency-correlator.js';

/** Dependency correlation across services: a caller's failure caused by trouble behind a Service it calls. */
export const serviceDependencyCorrelatorPlugin = definePlugin({
  id: 'service-dependency',
  kind: 'correlator',
  description: 'Dependency correlation across services: a pod failure caused by trouble behind a Service (or cluster DNS) its workload calls.',
  needs: {},
  configSchema: z.object({ windowMinutes: z.number().positive().optional() }).strict(),
  register: ({ config }) => ({ correlators: [new ServiceDependencyCorrelator(config.windowMinutes !== undefined ? config.windowMinutes * 60_000 : undefined)] }),
});
