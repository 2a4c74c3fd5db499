import { z } from 'zod';

/**
 * How much of a configuration's content a stateful transformer may keep and report
 * (`limits` in tapio.yaml, docs/reliability.md). The Kubernetes API transformer keeps the
 * previous text of each ConfigMap (never of a Secret) to say which lines an edit changed,
 * and deleted objects' last versions; these bound the memory that costs and the size of the
 * change it puts in an event.
 */
export const ChangeLimits = z.strictObject({
  /** Text kept per ConfigMap (UTF-8 bytes, keys in name order); a key beyond it is reported as edited without lines. */
  maxConfigBytes: z.number().int().min(0).default(64 * 1024),
  /** Changed lines one change item carries; the rest are counted (`moreLines`). */
  maxChangedLines: z.number().int().min(1).max(1000).default(20),
  /** Characters of one changed line carried; longer lines are cut with "…". */
  maxLineChars: z.number().int().min(16).max(10_000).default(200),
  /**
   * Deleted objects a stateful transformer remembers (a tombstone with the object's last
   * versions, so a late version is not taken for a new object); the oldest deletion is
   * forgotten beyond it. Each costs a few KB: a cluster that churns pods reaches the bound.
   */
  maxDeletedObjects: z.number().int().min(1).default(2_000),
});
export type ChangeLimits = z.infer<typeof ChangeLimits>;

export const DEFAULT_CHANGE_LIMITS: ChangeLimits = ChangeLimits.parse({});

/** What Tapio tells a plugin's `transformers` hook: the input limits that concern transformers. */
export interface TransformerSettings {
  limits: ChangeLimits;
  /** How long after an uncordon a taint refusal about the node is still planned maintenance, in ms (tapio.yaml `lifecycle.uncordonGrace`). */
  uncordonGraceMs?: number;
}
