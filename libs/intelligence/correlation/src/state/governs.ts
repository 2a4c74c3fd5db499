import { parseEntityKey, type CorrelationState } from '@tapio/domain';
import { matchesSelector } from '../topology/label-selector.js';

type TopologyView = Pick<CorrelationState, 'resource' | 'ownerChain' | 'rootOwner' | 'neighbours' | 'nodeNameOf'>;

/** The kinds that set bounds on other objects: capacity, scheduling and network policy, and a node's own resources. */
export const GOVERNING_KINDS: ReadonlySet<string> = new Set(['ResourceQuota', 'LimitRange', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'PriorityClass', 'NetworkPolicy', 'Node', 'Namespace']);

/** The target itself and, for a pod, the workloads that own it. */
function family(state: TopologyView, target: string): string[] {
  return [target, ...state.ownerChain(target)];
}

/**
 * Whether `policy` governs `target` (a Pod, or a workload through its pods): a ResourceQuota
 * or LimitRange everything in its namespace; a HorizontalPodAutoscaler the workload it scales
 * and that workload's pods; a PodDisruptionBudget the pods its selector matches; a
 * NetworkPolicy the pods it applies to; a PriorityClass the pods that name it; a Node the pods
 * that run on it; a Namespace (its Pod Security level) what it holds. Asked both ways by the
 * `governs` relation.
 */
export function governs(state: TopologyView, policy: string, target: string): boolean {
  const ref = parseEntityKey(policy);
  const targetRef = parseEntityKey(target);
  if (!ref || !targetRef || !GOVERNING_KINDS.has(ref.kind) || policy === target) return false;
  switch (ref.kind) {
    case 'ResourceQuota':
    case 'LimitRange':
      return ref.namespace != null && targetRef.namespace === ref.namespace;
    case 'HorizontalPodAutoscaler': {
      const scaled = state.neighbours(policy, 'SCALES', 'out');
      return scaled.some((workload) => family(state, target).includes(workload) || state.rootOwner(target) === state.rootOwner(workload));
    }
    case 'PodDisruptionBudget': {
      const selector = state.resource(policy)?.facts?.selector;
      const facts = state.resource(target)?.facts;
      return selector !== undefined && targetRef.namespace === ref.namespace && targetRef.kind === 'Pod' && matchesSelector(facts?.labels, selector);
    }
    case 'NetworkPolicy': {
      const pods = state.neighbours(policy, 'APPLIES_TO', 'out');
      return pods.some((pod) => family(state, pod).includes(target));
    }
    case 'PriorityClass':
      return state.resource(target)?.facts?.priorityClassName === ref.name;
    case 'Node':
      return targetRef.kind === 'Pod' && state.nodeNameOf(target) === ref.name;
    case 'Namespace':
      return targetRef.namespace === ref.name;
    default:
      return false;
  }
}
