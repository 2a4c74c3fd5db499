import type { K8sObjectFacts } from '@tapio/domain';
import { arr, obj, str, type Json } from './k8s-object.js';
import type { Signal } from './signal.js';

export function progressingReason(object: Json): string | undefined {
  const condition = arr(obj(object['status'])['conditions']).find((item) => item['type'] === 'Progressing');
  return condition ? str(condition['reason']) : undefined;
}

/** Rollout state changes of a Deployment, read from its Progressing condition. */
export function rolloutSignals(previousReason: string | undefined, reason: string | undefined, facts: K8sObjectFacts, object: Json): Signal[] {
  if (reason === previousReason || reason === undefined) return [];
  const name = `${facts.kind} ${facts.namespace ?? ''}/${facts.name}`;
  const condition = arr(obj(object['status'])['conditions']).find((item) => item['type'] === 'Progressing');
  const message = condition ? str(condition['message']) : undefined;
  if (reason === 'ProgressDeadlineExceeded') {
    return [{ type: 'rollout_stalled', key: 'rollout:stalled', message: `${name} rollout stalled: ${message ?? 'progress deadline exceeded'}`, kubernetes: { reason } }];
  }
  if (reason === 'NewReplicaSetAvailable' && previousReason !== undefined) {
    return [{ type: 'rollout_completed', key: 'rollout:completed', message: `${name} rollout completed${message ? `: ${message}` : ''}`, kubernetes: { reason } }];
  }
  return [];
}
