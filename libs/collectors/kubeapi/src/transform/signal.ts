import type { EventType, KubernetesData, Severity } from '@tapio/domain';

/** A failure or state signal derived from comparing an object's versions. */
export interface Signal {
  type: EventType;
  /** Distinguishes signals of one watch event (becomes part of the event id). */
  key: string;
  message: string;
  severity?: Severity;
  kubernetes?: KubernetesData;
}
