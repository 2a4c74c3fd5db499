import type { BehaviorPattern } from '@tapio/domain';

/** Settings tapio.yaml gives a pattern by name (`correlation.patternOverrides`), over what its file says. */
export interface PatternOverride {
  /** Replaces the pattern's `holdFor` (a duration such as `3m`). */
  holdFor?: string;
}

/**
 * The patterns with their overrides applied (built-in ones as well as a directory's), and the
 * names overridden that no loaded pattern has (a typo, or a pattern not loaded: said, not fatal).
 */
export function applyPatternOverrides(patterns: readonly BehaviorPattern[], overrides: Readonly<Record<string, PatternOverride>>): { patterns: BehaviorPattern[]; unknown: string[] } {
  const names = new Set(patterns.map((pattern) => pattern.metadata.name));
  const applied = patterns.map((pattern) => {
    const override = overrides[pattern.metadata.name];
    if (override?.holdFor === undefined) return pattern;
    return { ...pattern, spec: { ...pattern.spec, holdFor: override.holdFor } };
  });
  return { patterns: applied, unknown: Object.keys(overrides).filter((name) => !names.has(name)).sort() };
}
