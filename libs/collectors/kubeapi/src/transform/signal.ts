import type { EventType, KubernetesData, Severity } from '@tapio/domain';

/** A failure or state signal derived from comparing an object's versions. */
export interface Signal {
  type: EventType;
  /** Distinguishes signals of one watch event (becomes part of the event id). */
  key: string;
  message: string;
  severity?: Severity;
  kubernetes?: KubernetesData;
  /** Facts a pattern may test (`annotations.<key>`): a named cause, usage figures, planned lifecycle. */
  annotations?: Record<string, string>;
  /** The object the signal is about when it is not the watched object itself (a Service for its EndpointSlice, a Node for its Lease). */
  about?: { kind: string; name: string; namespace?: string };
}
