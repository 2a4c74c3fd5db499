import type { BehaviorPattern } from '../patterns/behavior-pattern.js';
import { token } from '@tapio/plugin-api';

/** A pattern file that failed to load, with where and why. */
export interface PatternLoadError {
  file: string;
  line?: number;
  column?: number;
  reason: string;
}

export interface PatternSet {
  patterns: BehaviorPattern[];
  errors: PatternLoadError[];
  /** Patterns with a version per file, for reporting. */
  files: Record<string, string[]>;
}

/**
 * Where behavior patterns come from. `watch` calls back with the complete new set
 * on every change; an invalid file keeps its previous version in the set and is
 * reported in `errors`.
 */
export interface PatternSource {
  load(): Promise<PatternSet>;
  watch(onChange: (set: PatternSet) => void): Promise<() => Promise<void>>;
}
export const PatternSource = token<PatternSource>('PatternSource');
