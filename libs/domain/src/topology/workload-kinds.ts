/**
 * Kinds that own pods through the OWNS chain (a Deployment owns ReplicaSets, which own
 * Pods; a CronJob owns Jobs). A change to one reaches every pod it owns, and a pod-level
 * incident rolls up to the top of its chain when that top is one of these.
 */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet']);
