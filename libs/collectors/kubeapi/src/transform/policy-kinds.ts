import type { EventType } from '@tapio/domain';
import { canonical } from './canonical.js';
import { arr, obj, str, type Json } from './k8s-object.js';

/**
 * Objects that set limits on what workloads may do: quotas, default and maximum
 * resources, disruption budgets, priorities, autoscaler bounds, storage classes. A change to one is a
 * configuration change that can explain later failures (a lowered quota, then
 * FailedCreate on a scale-up), so it gets a type of its own and a semantic diff.
 */
const CHANGE_TYPE: Readonly<Record<string, EventType>> = {
  ResourceQuota: 'quota_changed',
  LimitRange: 'limits_changed',
  PodDisruptionBudget: 'disruption_budget_changed',
  PriorityClass: 'priority_changed',
  HorizontalPodAutoscaler: 'autoscaler_changed',
  StorageClass: 'resource_updated',
};

export function isPolicyKind(kind: string): boolean {
  return kind in CHANGE_TYPE;
}

export function policyChangeType(kind: string): EventType {
  return CHANGE_TYPE[kind] ?? 'resource_updated';
}

const text = (value: unknown): string => (typeof value === 'string' ? value : canonical(value));

function put(digest: Record<string, string>, key: string, value: unknown): void {
  if (value !== undefined && value !== null) digest[key] = text(value);
}

/** The fields whose change matters, flattened to `path → value` for diffMaps. */
export function policyDigest(kind: string, object: Json): Record<string, string> | undefined {
  const spec = obj(object['spec']);
  const digest: Record<string, string> = {};
  switch (kind) {
    case 'ResourceQuota':
      for (const [resource, quantity] of Object.entries(obj(spec['hard']))) put(digest, `hard.${resource}`, quantity);
      put(digest, 'scopes', spec['scopes']);
      put(digest, 'scopeSelector', spec['scopeSelector']);
      return digest;
    case 'LimitRange':
      for (const limit of arr(spec['limits'])) {
        const type = str(limit['type']) ?? '?';
        for (const section of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
          for (const [resource, quantity] of Object.entries(obj(limit[section]))) put(digest, `limits[${type}].${section}.${resource}`, quantity);
        }
      }
      return digest;
    case 'PodDisruptionBudget':
      put(digest, 'minAvailable', spec['minAvailable']);
      put(digest, 'maxUnavailable', spec['maxUnavailable']);
      put(digest, 'selector', spec['selector']);
      put(digest, 'unhealthyPodEvictionPolicy', spec['unhealthyPodEvictionPolicy']);
      return digest;
    case 'HorizontalPodAutoscaler':
      put(digest, 'minReplicas', spec['minReplicas'] ?? 1);
      put(digest, 'maxReplicas', spec['maxReplicas']);
      put(digest, 'scaleTargetRef', spec['scaleTargetRef']);
      for (const [index, metric] of arr(spec['metrics']).entries()) put(digest, `metrics[${index}]`, metric);
      put(digest, 'behavior', spec['behavior']);
      return digest;
    case 'PriorityClass':
      for (const field of ['value', 'globalDefault', 'preemptionPolicy']) put(digest, field, object[field]);
      return digest;
    case 'StorageClass':
      for (const field of ['provisioner', 'reclaimPolicy', 'volumeBindingMode', 'allowVolumeExpansion']) put(digest, field, object[field]);
      for (const [key, value] of Object.entries(obj(object['parameters']))) put(digest, `parameters.${key}`, value);
      // Which class is the default decides where every claim that names none goes.
      for (const annotation of DEFAULT_CLASS_ANNOTATIONS) put(digest, `annotations.${annotation}`, obj(obj(object['metadata'])['annotations'])[annotation]);
      return digest;
    default:
      return undefined;
  }
}

/** The annotations that make a StorageClass the cluster's default (the beta one is still honoured). */
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** Pod Security admission labels: the level a Namespace enforces (and its version) decide which pods it admits. */
const ADMISSION_LABELS = ['pod-security.kubernetes.io/enforce', 'pod-security.kubernetes.io/enforce-version'];

/** A Namespace's admission policy, flattened to `labels.<label> → value` for diffMaps. */
export function admissionDigest(object: Json): Record<string, string> {
  const labels = obj(obj(object['metadata'])['labels']);
  const digest: Record<string, string> = {};
  for (const label of ADMISSION_LABELS) put(digest, `labels.${label}`, labels[label]);
  return digest;
}
