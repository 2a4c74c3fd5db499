import { metricFieldPath, parseDuration, type BehaviorPattern, type CountRequirement, type EntityRelation, type PatternPrediction, type PatternScope, type UnifiedEvent } from '@tapio/domain';
import { compileConditions, pinnedValues, testsTypeOnly, typesOf, type EventPredicate } from './condition.js';

const NAMESPACE_FIELDS = ['entity.namespace', 'k8sContext.namespace'];

export interface CompiledCount {
  gt: number;
  windowMs: number;
  by: CountRequirement['by'];
  distinct: boolean;
}

export interface CompiledStep {
  id: string;
  predicate: EventPredicate;
  /** Event types the step can match, when its conditions pin `type`. */
  types: Set<string> | undefined;
  /** Whether `predicate` tests the type alone: every event of `types` passes it. */
  typeOnly: boolean;
  /** Namespaces the step can match, when its conditions pin the entity's namespace. */
  namespaces: Set<string> | undefined;
  withinMs: number;
  relation: EntityRelation;
  count: CompiledCount | undefined;
  /** Metric conditions that must hold on the same entity within a window (seed 002 form). */
  metricChecks: Array<{ predicate: EventPredicate; windowMs: number }>;
}

export interface CompiledPattern {
  name: string;
  pattern: BehaviorPattern;
  steps: CompiledStep[];
  rootStep: number;
  symptomStep: number;
  /**
   * The first step whose events are the incident's symptoms: the symptom step, or the root
   * step when the pattern names its root elsewhere (rootCauseResource): the pod a preemptor
   * took the place of is a casualty like its replacement that cannot be placed.
   */
  firstSymptomStep: number;
  baseConfidence: number;
  /** What a match predicts (the pattern's first prediction). */
  prediction: PatternPrediction;
  inScope: (event: UnifiedEvent) => boolean;
  /** How long a match waits (event time) before it becomes an insight; undefined: at once. */
  holdMs: number | undefined;
  /** What drops a held match when it happens on the triggering entity. */
  clearedBy: EventPredicate | undefined;
}

function compileCount(count: CountRequirement | undefined): CompiledCount | undefined {
  return count ? { gt: count.gt, windowMs: parseDuration(count.window), by: count.by, distinct: count.distinct } : undefined;
}

function compileScope(scope: PatternScope | undefined): (event: UnifiedEvent) => boolean {
  if (!scope) return () => true;
  const kinds = scope.kinds ? new Set(scope.kinds) : undefined;
  const namespaces = scope.namespaces ? new Set(scope.namespaces) : undefined;
  const excluded = new Set(scope.excludeNamespaces ?? []);
  const clusters = scope.clusters ? new Set(scope.clusters) : undefined;
  const labels = Object.entries(scope.labels ?? {});
  return (event) => {
    const entity = event.entity;
    if (kinds && (!entity || !kinds.has(entity.kind))) return false;
    const namespace = entity?.namespace ?? undefined;
    if (namespaces && (!namespace || !namespaces.has(namespace))) return false;
    if (namespace && excluded.has(namespace)) return false;
    if (clusters && (!entity?.cluster || !clusters.has(entity.cluster))) return false;
    for (const [key, value] of labels) if (event.k8sContext?.labels?.[key] !== value) return false;
    return true;
  };
}

/** Turns a validated BehaviorPattern into predicates and numbers the matcher runs fast. */
export function compilePattern(pattern: BehaviorPattern): CompiledPattern {
  const spec = pattern.spec;
  let steps: CompiledStep[];
  if (spec.sequence) {
    steps = spec.sequence.map((step) => ({
      id: step.id,
      predicate: compileConditions(step.conditions),
      types: typesOf(step.conditions),
      typeOnly: testsTypeOnly(step.conditions),
      namespaces: pinnedValues(step.conditions, NAMESPACE_FIELDS),
      withinMs: step.within ? parseDuration(step.within) : 30 * 60_000,
      relation: step.relation,
      count: compileCount(step.count),
      metricChecks: [],
    }));
  } else {
    const conditions = spec.conditions ?? [];
    const eventConditions = conditions.filter((condition) => condition.type === 'event');
    const metricConditions = conditions.filter((condition) => condition.type === 'metric');
    steps = [
      {
        id: 'match',
        predicate: compileConditions(eventConditions),
        types: typesOf(eventConditions),
        typeOnly: testsTypeOnly(eventConditions),
        namespaces: pinnedValues(eventConditions, NAMESPACE_FIELDS),
        withinMs: 0,
        relation: 'any',
        count: compileCount(spec.count),
        metricChecks: metricConditions.map((condition) => ({
          predicate: compileConditions([{ ...condition, type: 'event', field: metricFieldPath(condition.field) }]),
          windowMs: condition.time_window ? parseDuration(condition.time_window) : 5 * 60_000,
        })),
      },
    ];
  }
  const [prediction] = spec.predictions;
  // The schema requires one; a pattern built around it must not fail later, mid-stream.
  if (!prediction) throw new Error(`behavior pattern "${pattern.metadata.name}" has no prediction (spec.predictions needs at least one)`);
  const index = (id: string | undefined, fallback: number) => (id === undefined ? fallback : steps.findIndex((step) => step.id === id));
  const rootStep = index(spec.rootCause, 0);
  const symptomStep = index(spec.symptom, steps.length - 1);
  return {
    name: pattern.metadata.name,
    pattern,
    steps,
    rootStep,
    symptomStep,
    firstSymptomStep: spec.rootCauseResource && rootStep >= 0 ? Math.min(rootStep, symptomStep) : symptomStep,
    baseConfidence: prediction.confidence_base ?? 0.5,
    prediction,
    inScope: compileScope(spec.scope),
    holdMs: spec.holdFor ? parseDuration(spec.holdFor) : undefined,
    clearedBy: spec.clearedBy ? compileConditions(spec.clearedBy) : undefined,
  };
}
