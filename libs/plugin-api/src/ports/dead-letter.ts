import { z } from 'zod';
import { token } from './token.js';

/** An input Tapio refused, kept with the reason so nothing accepted is silently lost. */
export const DeadLetter = z.object({
  stage: z.enum(['decode', 'validate', 'transform', 'process', 'store']),
  reason: z.string(),
  source: z.string().optional(),
  /** Where it came from: a file and line, a subject, a collector id. */
  origin: z.string().optional(),
  at: z.iso.datetime({ offset: true }),
  payload: z.unknown(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export interface DeadLetterSink {
  put(entry: DeadLetter): void;
  count(): number;
  /** Most recent entries, newest last. */
  recent(limit: number): DeadLetter[];
}
export const DeadLetterSink = token<DeadLetterSink>('DeadLetterSink');
