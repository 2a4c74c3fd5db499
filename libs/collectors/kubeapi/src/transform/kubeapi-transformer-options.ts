import type { ChangeLimits } from '@tapio/domain';

/** What tapio.yaml sets of the Kubernetes API transformer. */
export interface KubeApiTransformerOptions {
  /** A repeating Event object is signalled again when its count doubles, its span grew by half, or after this long. */
  eventRefoldMs?: number;
  /** What of a ConfigMap's content is kept and reported (limits in tapio.yaml). */
  limits?: ChangeLimits;
  /** How long after an uncordon a taint refusal is still the cordon's (tapio.yaml `lifecycle.uncordonGrace`; default 60 s). */
  uncordonGraceMs?: number;
}
