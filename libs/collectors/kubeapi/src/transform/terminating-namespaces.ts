import { EVENT_SEMANTICS, type EventType, type K8sObjectFacts } from '@tapio/domain';

/**
 * Namespaces being deleted (phase Terminating), by cluster. Deleting a namespace takes down
 * everything in it on purpose: its Services lose their last ready endpoint as their pods
 * terminate, which would otherwise read as an outage ("Service has no ready endpoints").
 * Kept as durable entries (`cluster|namespace` -> true) like the other trackers, so a
 * restarted transformer still knows.
 */
export class TerminatingNamespaces {
  private readonly terminating = new Set<string>();
  private readonly dirty = new Set<string>();
  private tracking = false;

  /** A watched Namespace: Terminating adds it, Active or its deletion removes it. */
  observe(cluster: string, facts: K8sObjectFacts, deleted: boolean): void {
    const key = `${cluster}|${facts.name}`;
    const now = !deleted && facts.phase === 'Terminating';
    if (now === this.terminating.has(key)) return;
    if (now) this.terminating.add(key);
    else this.terminating.delete(key);
    if (this.tracking) this.dirty.add(key);
  }

  has(cluster: string, namespace: string | undefined): boolean {
    return namespace !== undefined && this.terminating.has(`${cluster}|${namespace}`);
  }

  /**
   * Whether a failure about an object of a namespace being deleted goes unsaid: its pods are
   * killed on purpose, and what its watch's starting list repeats (the Event of a Job that gave
   * up a minute before its namespace was deleted) is history. A Service losing its endpoints
   * is still said, as planned (endpointSignal), for the record.
   */
  silences(cluster: string, namespace: string | undefined, type: EventType): boolean {
    return type !== 'service_unavailable' && EVENT_SEMANTICS[type].failure && this.has(cluster, namespace);
  }

  /** Namespaces changed since the last call: true while terminating, undefined once not. */
  changes(): Array<[string, true | undefined]> {
    const changed = [...this.dirty].map((key): [string, true | undefined] => [key, this.terminating.has(key) ? true : undefined]);
    this.dirty.clear();
    return changed;
  }

  /** A namespace a durable store kept (key `cluster|namespace`; '' only starts tracking); from now on changes are tracked. */
  restore(key: string, state: unknown): void {
    this.tracking = true;
    if (key && state === true) this.terminating.add(key);
  }
}
