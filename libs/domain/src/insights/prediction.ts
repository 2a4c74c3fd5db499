import { z } from 'zod';

/** What a matched pattern predicted; feedback validates it (seed 002). */
export const Prediction = z.object({
  id: z.string().min(1),
  patternId: z.string().min(1),
  insightId: z.string().min(1).optional(),
  type: z.string().min(1),
  confidence: z.number().min(0).max(1),
  timeHorizon: z.string().optional(),
  message: z.string(),
  impact: z.array(z.string()).default([]),
  createdAt: z.iso.datetime({ offset: true }),
});
export type Prediction = z.infer<typeof Prediction>;
