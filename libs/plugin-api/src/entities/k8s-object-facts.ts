import { z } from 'zod';

export const OwnerReference = z.object({
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
});
export type OwnerReference = z.infer<typeof OwnerReference>;

export const LabelSelectorRequirement = z.object({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

/** A Kubernetes label selector: equality map plus set-based expressions. */
export const LabelSelector = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(LabelSelectorRequirement).optional(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

export const ContainerFacts = z.object({
  name: z.string(),
  image: z.string().optional(),
  containerId: z.string().optional(),
  ready: z.boolean().optional(),
  restartCount: z.number().int().nonnegative().optional(),
  state: z.enum(['waiting', 'running', 'terminated', 'unknown']).optional(),
  stateReason: z.string().optional(),
  lastTerminationReason: z.string().optional(),
  lastExitCode: z.number().int().optional(),
  memoryLimitBytes: z.number().nonnegative().optional(),
  /** Its ephemeral-storage limit (writable layer and logs): whether anything bounds what it writes to the node's disk. */
  storageLimitBytes: z.number().nonnegative().optional(),
});
export type ContainerFacts = z.infer<typeof ContainerFacts>;

/**
 * What Tapio keeps of a Kubernetes object: enough to build and maintain the topology
 * (owners, selectors, mounts, placement) without holding the whole object.
 * Every field is optional because each kind fills only what applies to it.
 */
export const K8sObjectFacts = z.object({
  apiVersion: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().nullish(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
  /** Service spec.selector (equality only). */
  serviceSelector: z.record(z.string(), z.string()).optional(),
  /** Workload / NetworkPolicy / PDB label selector. */
  selector: LabelSelector.optional(),
  nodeName: z.string().optional(),
  podIP: z.string().optional(),
  podIPs: z.array(z.string()).optional(),
  hostIP: z.string().optional(),
  phase: z.string().optional(),
  ready: z.boolean().optional(),
  qosClass: z.string().optional(),
  containers: z.array(ContainerFacts).optional(),
  configMaps: z.array(z.string()).optional(),
  secrets: z.array(z.string()).optional(),
  persistentVolumeClaims: z.array(z.string()).optional(),
  /** PVC spec.volumeName. */
  volumeName: z.string().optional(),
  /** Ingress backends. */
  services: z.array(z.string()).optional(),
  /**
   * PodDisruptionBudget status: pods it expects, how many are healthy, how many it requires
   * healthy, how many may be disrupted now; and its spec's minAvailable / maxUnavailable.
   */
  disruptionBudget: z
    .object({
      expectedPods: z.number().int(),
      currentHealthy: z.number().int(),
      desiredHealthy: z.number().int(),
      disruptionsAllowed: z.number().int(),
      minAvailable: z.string().optional(),
      maxUnavailable: z.string().optional(),
    })
    .optional(),
  /** HPA scaleTargetRef. */
  scaleTarget: z.object({ kind: z.string(), name: z.string() }).optional(),
  replicas: z.number().int().optional(),
  readyReplicas: z.number().int().optional(),
  /** Endpoints / EndpointSlice ready address count. */
  readyEndpoints: z.number().int().optional(),
  notReadyEndpoints: z.number().int().optional(),
  conditions: z.record(z.string(), z.string()).optional(),
  taints: z.array(z.string()).optional(),
  unschedulable: z.boolean().optional(),
  /** Pod (or pod template) spec.priorityClassName: the PriorityClass that governs its preemption. */
  priorityClassName: z.string().optional(),
  /**
   * Workload: the names of its pod template's containers and init containers. A pod container
   * not among them was added at admission (a sidecar injector's).
   */
  templateContainers: z.array(z.string()).optional(),
  /** Pod (or pod template) spec.serviceAccountName: the identity its containers call the API server as (unset: `default`). */
  serviceAccountName: z.string().optional(),
  /** ServiceAccount imagePullSecrets: the pull Secrets every pod running as it gets. */
  imagePullSecrets: z.array(z.string()).optional(),
  /** RoleBinding / ClusterRoleBinding roleRef: the Role or ClusterRole it grants. */
  roleRef: z.object({ kind: z.string(), name: z.string() }).optional(),
  /**
   * RoleBinding / ClusterRoleBinding subjects: `ServiceAccount:namespace/name` (a RoleBinding's
   * namespace when the subject names none), `Group:name`, `User:name`.
   */
  subjects: z.array(z.string()).optional(),
  /** HorizontalPodAutoscaler bounds. */
  minReplicas: z.number().int().optional(),
  maxReplicas: z.number().int().optional(),
  serviceType: z.string().optional(),
  /** Service spec.clusterIP (absent for headless Services). */
  clusterIP: z.string().optional(),
  /**
   * Pod: the network addresses its own spec says it calls (`host` or `host:port` from probe
   * commands and hosts, environment values and names such as FOO_SERVICE_HOST, command
   * arguments); only the address is kept, never the rest of a value. ConfigMap: the addresses
   * its values name (an upstream URL in a properties file), which the pods using it call.
   */
  calls: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  /** ConfigMap / Secret data keys (never values). */
  dataKeys: z.array(z.string()).optional(),
  /** Content hash of ConfigMap / Secret data, so a change is visible without values. */
  contentHash: z.string().optional(),
});
export type K8sObjectFacts = z.infer<typeof K8sObjectFacts>;
