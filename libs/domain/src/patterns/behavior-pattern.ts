import { z } from 'zod';
import { Duration, EntityRelation, EventType, Severity } from '@tapio/plugin-api';

export const CONDITION_OPERATORS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'matches',
  'exists',
  'not_exists',
] as const;
export const ConditionOperator = z.enum(CONDITION_OPERATORS);
export type ConditionOperator = z.infer<typeof ConditionOperator>;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * One test on an event (seed 002). `field` is a dotted path into the UnifiedEvent
 * ("type", "kubernetes.exitCode", "k8sContext.namespace", "metrics.memory.usage_percent").
 */
export const PatternCondition = z
  .object({
    type: z.enum(['event', 'metric']).default('event'),
    field: z.string().min(1),
    operator: ConditionOperator,
    value: z.union([Scalar, z.array(Scalar)]).optional(),
    time_window: Duration.optional(),
  })
  .strict()
  .superRefine((condition, ctx) => {
    const needsList = condition.operator === 'in' || condition.operator === 'not_in';
    const needsNone = condition.operator === 'exists' || condition.operator === 'not_exists';
    if (needsList && !Array.isArray(condition.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator ${condition.operator} needs a list value` });
    }
    if (!needsList && !needsNone && (condition.value === undefined || Array.isArray(condition.value))) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator ${condition.operator} needs a single value` });
    }
    if ((condition.operator === 'gt' || condition.operator === 'lt' || condition.operator === 'gte' || condition.operator === 'lte') && typeof condition.value !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator ${condition.operator} needs a number` });
    }
    if (condition.operator === 'matches' && typeof condition.value === 'string') {
      try {
        new RegExp(condition.value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `invalid regular expression: ${(error as Error).message}` });
      }
    }
  });
export type PatternCondition = z.infer<typeof PatternCondition>;

/** "more than N in window", grouped per entity, per owner, per node or per namespace. */
export const CountRequirement = z
  .object({
    gt: z.number().int().nonnegative(),
    window: Duration,
    by: z.enum(['entity', 'owner', 'node', 'namespace', 'cluster']).default('entity'),
    /** Count distinct entities rather than events ("pods of 2+ workloads evicted"). */
    distinct: z.boolean().default(false),
  })
  .strict();
export type CountRequirement = z.infer<typeof CountRequirement>;

/**
 * A resource related to the root step's entity that is the real root cause: the claimed
 * volume of a pod that cannot attach it, the node whose pods all lose the network.
 */
export const ROOT_CAUSE_RESOURCES = ['claimed_volume', 'node', 'named_cause', 'top_consumer'] as const;
export const RootCauseResource = z.enum(ROOT_CAUSE_RESOURCES);
export type RootCauseResource = z.infer<typeof RootCauseResource>;

export const SequenceStep = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'step ids are lower_snake_case'),
    conditions: z.array(PatternCondition).min(1),
    /** Maximum delay after the previous step; ignored on the first step. */
    within: Duration.optional(),
    relation: EntityRelation.default('related'),
    count: CountRequirement.optional(),
  })
  .strict();
export type SequenceStep = z.infer<typeof SequenceStep>;

export const PatternScope = z
  .object({
    kinds: z.array(z.string()).optional(),
    namespaces: z.array(z.string()).optional(),
    excludeNamespaces: z.array(z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    clusters: z.array(z.string()).optional(),
  })
  .strict();
export type PatternScope = z.infer<typeof PatternScope>;

export const PatternPrediction = z
  .object({
    type: z.string().min(1),
    confidence_base: z.number().min(0).max(1),
    time_horizon: Duration.optional(),
    message: z.string(),
    impact: z.array(z.string()).default([]),
    /**
     * Extension: what event makes the prediction come true, so later events judge it
     * (docs/patterns.md, "Predictions that later events judge"). Needs `time_horizon` or
     * `deadline_metric` to know when it did not happen.
     */
    expect: z
      .object({
        /** Event types that make it come true. */
        events: z.array(EventType).min(1),
        /** The step whose entity (and container) must show it; default the trigger (last) step. */
        on: z.string().optional(),
        /** A metric of that step's event giving the minutes until it happens (the deadline is 1.5 times that plus a minute); else time_horizon. */
        deadline_metric: z.string().min(1).optional(),
        /** A metric of that step's event, 0..1, that scales the prediction's confidence (how well a trend fits its samples). */
        confidence_metric: z.string().min(1).optional(),
        /**
         * `pending_users`: the prediction is about each pod that uses the root (a ConfigMap,
         * Secret or claim) and does not fail yet: each of them showing one of `events` counts
         * toward it, each becoming ready again against it, and it closes when every one did
         * either, by the deadline, or when the root's change is reverted (withdrawn).
         */
        each: z.enum(['pending_users']).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((prediction, ctx) => {
    if (prediction.expect && !prediction.time_horizon && !prediction.expect.deadline_metric) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'expect needs time_horizon or expect.deadline_metric: a deadline to judge the prediction by' });
    }
  });
export type PatternPrediction = z.infer<typeof PatternPrediction>;

export const BehaviorPatternSpec = z
  .object({
    enabled: z.boolean().default(true),
    priority: z.number().int().default(50),
    severity: Severity.default('high'),
    description: z.string().optional(),
    scope: PatternScope.optional(),
    /** Seed 002 form: every condition must hold for the triggering event (metric ones over time_window). */
    conditions: z.array(PatternCondition).optional(),
    /** Extension: an ordered chain of steps on related entities. */
    sequence: z.array(SequenceStep).min(1).optional(),
    /** For the seed-002 form, a count requirement on matching events. */
    count: CountRequirement.optional(),
    /** Which step's entity is the root cause (default: the first step's). */
    rootCause: z.string().optional(),
    /**
     * Extension: blame a resource related to that entity instead, when the topology knows
     * it and no earlier cause was found (default: the entity itself).
     */
    rootCauseResource: RootCauseResource.optional(),
    /** Symptom step (default: the last step). */
    symptom: z.string().optional(),
    predictions: z.array(PatternPrediction).min(1),
    /** Story template; {{step.entity}}, {{step.time}}, {{step.message}}, {{count}}, {{pattern}}. */
    story: z.string().optional(),
    nextChecks: z.array(z.string()).optional(),
    /**
     * Extension: hold a match this long (event time) before it becomes an insight, for
     * trouble that routinely fixes itself (a Service without endpoints while a Recreate
     * rollout swaps its only pod). Released when the time is up and `clearedBy` has not matched.
     */
    holdFor: Duration.optional(),
    /** An event on the triggering event's entity matching all of these drops a held match. */
    clearedBy: z.array(PatternCondition).min(1).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.clearedBy && !spec.holdFor) {
      ctx.addIssue({ code: 'custom', path: ['clearedBy'], message: 'clearedBy needs holdFor: without a hold nothing can be cleared' });
    }
    if (!spec.conditions && !spec.sequence) {
      ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'a pattern needs conditions or a sequence' });
    }
    if (spec.conditions && spec.sequence) {
      ctx.addIssue({ code: 'custom', path: ['sequence'], message: 'use either conditions or a sequence, not both' });
    }
    const stepIds = new Set(spec.sequence?.map((step) => step.id) ?? []);
    if (spec.sequence && stepIds.size !== spec.sequence.length) {
      ctx.addIssue({ code: 'custom', path: ['sequence'], message: 'step ids must be unique' });
    }
    for (const key of ['rootCause', 'symptom'] as const) {
      const value = spec[key];
      if (value !== undefined && !stepIds.has(value)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${value}" is not a step id of the sequence` });
      }
    }
    spec.predictions.forEach((prediction, index) => {
      const on = prediction.expect?.on;
      if (on !== undefined && !(spec.sequence ? stepIds.has(on) : on === 'match')) {
        ctx.addIssue({ code: 'custom', path: ['predictions', index, 'expect', 'on'], message: `"${on}" is not a step id of the pattern` });
      }
    });
  });
export type BehaviorPatternSpec = z.infer<typeof BehaviorPatternSpec>;

export const BehaviorPattern = z
  .object({
    apiVersion: z.literal('behavior.tapio.io/v1'),
    kind: z.literal('BehaviorPattern'),
    metadata: z
      .object({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'pattern names are lower-kebab-case'),
        version: z.string().default('1.0.0'),
        description: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    spec: BehaviorPatternSpec,
  })
  .strict();
export type BehaviorPattern = z.infer<typeof BehaviorPattern>;
