import type { BehaviorPattern, EventType } from '@tapio/domain';
import { compilePattern, type CompiledPattern } from './compiled-pattern.js';

/**
 * The active behavior patterns, indexed by the event type that can trigger them (the
 * type of their last step), so an event is tried only against the patterns it can
 * complete; a pattern whose last step pins no type is tried on every event. Like
 * Falco's event-type rule index, the registry knows nothing about what a match means.
 * Match counts are kept per pattern name and survive a reload.
 */
export class PatternIndex {
  private active: CompiledPattern[] = [];
  private byTrigger = new Map<string, CompiledPattern[]>();
  private untyped: CompiledPattern[] = [];
  private readonly matchCounts = new Map<string, number>();

  /** Replaces the active patterns (hot reload): enabled ones only, highest priority first. */
  replace(patterns: readonly BehaviorPattern[]): void {
    this.active = patterns
      .filter((pattern) => pattern.spec.enabled)
      .map(compilePattern)
      .sort((a, b) => b.pattern.spec.priority - a.pattern.spec.priority);
    this.byTrigger = new Map();
    this.untyped = [];
    for (const pattern of this.active) {
      const trigger = pattern.steps[pattern.steps.length - 1];
      if (!trigger?.types) {
        this.untyped.push(pattern);
        continue;
      }
      for (const type of trigger.types) {
        const list = this.byTrigger.get(type) ?? [];
        list.push(pattern);
        this.byTrigger.set(type, list);
      }
    }
  }

  /** The patterns an event of `type` may complete: those it triggers by type (by priority), then the untyped ones. */
  candidates(type: EventType): CompiledPattern[] {
    return [...(this.byTrigger.get(type) ?? []), ...this.untyped];
  }

  names(): string[] {
    return this.active.map((pattern) => pattern.name);
  }

  find(name: string): CompiledPattern | undefined {
    return this.active.find((pattern) => pattern.name === name);
  }

  countMatch(name: string): void {
    this.matchCounts.set(name, (this.matchCounts.get(name) ?? 0) + 1);
  }

  matches(name: string): number {
    return this.matchCounts.get(name) ?? 0;
  }
}
