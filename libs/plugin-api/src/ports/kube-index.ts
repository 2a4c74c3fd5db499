import { z } from 'zod';
import { OwnerReference } from '../entities/k8s-object-facts.js';
import { token } from './token.js';

export const PodIdentity = z.object({
  cluster: z.string().optional(),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  nodeName: z.string().optional(),
  podIP: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
  containers: z.array(z.object({ name: z.string(), containerId: z.string().optional() })).default([]),
});
export type PodIdentity = z.infer<typeof PodIdentity>;

/**
 * Lookups other collectors use to attribute kernel, DNS and runtime events to a pod,
 * without importing the Kubernetes API collector. Container ids are the bare hex id
 * (no `containerd://` prefix).
 */
export interface KubeIndex {
  podByContainerId(containerId: string): PodIdentity | undefined;
  podByUid(uid: string): PodIdentity | undefined;
  podByIp(ip: string): PodIdentity | undefined;
  podsOnNode(nodeName: string): PodIdentity[];
}
export const KubeIndex = token<KubeIndex>('KubeIndex');

/** Strips the runtime prefix from a containerStatuses[].containerID. */
export function bareContainerId(containerId: string): string {
  const separator = containerId.indexOf('://');
  return separator === -1 ? containerId : containerId.slice(separator + 3);
}
