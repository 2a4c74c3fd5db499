import { z } from 'zod';

export const PATTERN_STATUSES = ['learning', 'active', 'promoted', 'retired'] as const;
export const PatternStatus = z.enum(PATTERN_STATUSES);
export type PatternStatus = z.infer<typeof PatternStatus>;

/**
 * How verdicts move a pattern (tapio.yaml `correlation.feedback`, docs/patterns.md): its
 * confidence, bounded, and when it is retired (it opens no more incidents) or promoted.
 */
export const FeedbackPolicy = z
  .strictObject({
    /** How many verdicts the base confidence is worth: the larger, the slower verdicts move it. */
    priorWeight: z.number().positive().max(1000).default(2.5),
    /** Confidence never goes above this, however many right verdicts: Tapio is never certain. */
    maxConfidence: z.number().min(0.5).max(1).default(0.99),
    /** Verdicts a pattern needs before it can be retired or promoted ("learning" until then). */
    minVerdicts: z.number().int().min(1).default(3),
    /** A pattern whose confidence falls below this is retired. */
    retireBelow: z.number().min(0).max(1).default(0.3),
    /** A pattern whose confidence reaches this is promoted. */
    promoteAbove: z.number().min(0).max(1).default(0.9),
    /**
     * What a prediction judged by later events (it came true by its deadline, or did not
     * happen) is worth next to a person's verdict: a verdict is 1. A prediction a person
     * judged counts only by that verdict.
     */
    outcomeWeight: z.number().min(0).max(1).default(0.5),
  })
  .refine((policy) => policy.retireBelow < policy.promoteAbove, { message: 'retireBelow must be lower than promoteAbove', path: ['retireBelow'] });
export type FeedbackPolicy = z.infer<typeof FeedbackPolicy>;

export const DEFAULT_FEEDBACK_POLICY: FeedbackPolicy = FeedbackPolicy.parse({});
