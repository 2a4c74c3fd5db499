import type { K8sObjectFacts } from '@tapio/domain';

/** The label by which a Namespace enforces a Pod Security Standard (privileged, baseline, restricted). */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** What is kept per namespace: its enforced level ('' for none) and when Tapio saw it change. */
export interface AdmissionLabelState {
  enforce: string;
  changedAt?: number;
}

/**
 * The Pod Security level each watched Namespace enforces, and when it last changed. A
 * controller's pod refused for violating PodSecurity is the namespace's doing when the level
 * was raised shortly before (the pods already running were let be, the next ones are not), and
 * the workload's when the level stood and a new template broke it. Kept as durable entries
 * (`cluster|namespace` -> state) like the other trackers, so a restarted transformer still knows.
 */
export class AdmissionLabels {
  private readonly levels = new Map<string, AdmissionLabelState>();
  private readonly dirty = new Set<string>();
  private tracking = false;

  /** A watched Namespace at `at` (ms; undefined: read from the graph, not seen changing). */
  observe(cluster: string, facts: K8sObjectFacts, deleted: boolean, at?: number): void {
    const key = `${cluster}|${facts.name}`;
    const previous = this.levels.get(key);
    if (deleted) {
      if (previous && this.levels.delete(key) && this.tracking) this.dirty.add(key);
      return;
    }
    const enforce = facts.labels?.[ENFORCE_LABEL] ?? '';
    if (previous?.enforce === enforce) return;
    // First sight is no change: a level already set when Tapio started has stood for a while.
    const state: AdmissionLabelState = previous && at !== undefined ? { enforce, changedAt: at } : { enforce };
    this.levels.set(key, state);
    if (this.tracking) this.dirty.add(key);
  }

  /** Whether the namespace's enforced level changed at or after `sinceMs` (before `untilMs`). */
  changedBetween(cluster: string, namespace: string | undefined, sinceMs: number, untilMs: number): boolean {
    const changedAt = namespace === undefined ? undefined : this.levels.get(`${cluster}|${namespace}`)?.changedAt;
    return changedAt !== undefined && changedAt >= sinceMs && changedAt <= untilMs;
  }

  /** Namespaces changed since the last call: their state, undefined once deleted. */
  changes(): Array<[string, AdmissionLabelState | undefined]> {
    const changed = [...this.dirty].map((key): [string, AdmissionLabelState | undefined] => [key, this.levels.get(key)]);
    this.dirty.clear();
    return changed;
  }

  /** A namespace a durable store kept ('' only starts tracking); from now on changes are tracked. */
  restore(key: string, state: unknown): void {
    this.tracking = true;
    if (!key || typeof state !== 'object' || state === null) return;
    const { enforce, changedAt } = state as { enforce?: unknown; changedAt?: unknown };
    if (typeof enforce !== 'string') return;
    this.levels.set(key, typeof changedAt === 'number' ? { enforce, changedAt } : { enforce });
  }
}
