import type { RecordedLine } from '../../support/recording-variants.js';
import { nodesTaintedThenRestart, workloadDeleted } from '../../support/taint-and-deletion-incidents.js';
import type { CorpusCase } from '../corpus-case.js';
import { realRecording } from '../real-recording.js';
import { benignRecording, threeWays } from '../corpus-variants.js';

const benign = (): RecordedLine[] => benignRecording();

/**
 * Causes that are not the workload whose pods fail: a node someone tainted or took a label
 * from, another app that took the room, a ServiceAccount deleted, an admission webhook configured
 * or whose backend went away, a claim deleted while in use, a ConfigMap key renamed, a quota on limits added (a routine
 * restart afterwards only reveals each), the workload behind a Service deleted while the Service stays,
 * cluster DNS scaled to zero, and a release whose pod-template labels no longer match the
 * Service; with their look-alikes (the taint removed in time, an app decommissioned whole, a
 * workload deleted and applied again). Beside them the real recordings of the test cluster.
 */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('nodes tainted NoSchedule, then a routine restart cannot place its pod', 'checkout', () => nodesTaintedThenRestart(benign(), 'shop', 'checkout')),
  ...threeWays('nodes tainted NoSchedule, then a routine restart cannot place its pod', 'payments-api', () => nodesTaintedThenRestart(benign(), 'payments', 'payments-api', { seed: 'tainted-pay' })),
  ...threeWays('benign: nodes tainted by mistake, the taint removed within a minute, the pod scheduled', 'catalog', () => nodesTaintedThenRestart(benign(), 'shop', 'catalog', { removedAfter: 45 })),
  ...threeWays('nodes lose the label the pods require, then a routine restart cannot place its pod', 'cart', () => nodesTaintedThenRestart(benign(), 'shop', 'cart', { by: 'label', seed: 'unlabeled-cart' })),
  ...threeWays('benign: a node label removed by mistake and put back within a minute, the pod scheduled', 'frontend', () => nodesTaintedThenRestart(benign(), 'shop', 'frontend', { by: 'label', removedAfter: 40, seed: 'unlabeled-front' })),
  ...threeWays('the Deployment behind a Service deleted, the Service stays empty', 'cart', () => workloadDeleted(benign(), 'shop', 'cart')),
  ...threeWays('the Deployment behind a Service deleted, the Service stays empty', 'grafana', () => workloadDeleted(benign(), 'monitoring', 'grafana', { seed: 'deleted-graf' })),
  ...threeWays('benign: an app decommissioned whole (Deployment, then its Service)', 'catalog', () => workloadDeleted(benign(), 'shop', 'catalog', { then: 'service' })),
  ...threeWays('benign: a Deployment deleted and applied again (a replace), ready within a minute', 'frontend', () => workloadDeleted(benign(), 'shop', 'frontend', { then: 'reapply' })),
  ...realRecording('nodes tainted NoSchedule, then a routine restart cannot place its pod', 'node-taint-noschedule'),
  ...realRecording('the only node tainted NoExecute: every pod deleted, none placed again, four Services empty', 'node-taint-noexecute'),
  ...realRecording('a node loses the label the pods require, then a routine restart cannot place its pod', 'node-label-removed'),
  ...realRecording("another team's new app takes the node's CPU, then a routine restart cannot place its pod", 'capacity-taken-by-new-app'),
  ...realRecording('the ServiceAccount the pods run as deleted, then a routine restart cannot create pods', 'serviceaccount-deleted-restart'),
  ...realRecording('an admission webhook configured before its backend exists, then a routine restart cannot create pods', 'webhook-created-blocks-restart'),
  ...realRecording("an admission webhook's backend scaled to zero, then a routine restart cannot create pods", 'webhook-backend-scaled-zero'),
  ...realRecording('a claim deleted while the pods use it, then a routine restart cannot place its pod', 'pvc-deleted-in-use'),
  ...realRecording('a ConfigMap key the pods read as an environment variable renamed, then a routine restart cannot start', 'configmap-key-removed-env'),
  ...realRecording('a quota on limits added to a namespace whose pods name none, then a routine restart cannot create pods', 'quota-requires-limits'),
  ...realRecording('a release drops the limits a quota that stood requires: the new pods are refused', 'quota-requires-limits-release'),
  ...realRecording("a Service's port changed while its callers dial the old one: the callers' readiness fails (the callee's start-up history beside it)", 'service-port-changed'),
  ...realRecording("a ConfigMap a CronJob's pods mount deleted between two runs: the next run's pod cannot mount it", 'configmap-deleted-cronjob'),
  ...realRecording("a sidecar injector's Deployment deleted while its mutating webhook stays, then a routine restart cannot create pods", 'mutating-webhook-backend-deleted'),
  ...realRecording('benign: an admission webhook configured in audit mode (failurePolicy Ignore) before its backend exists, then a routine restart', 'webhook-ignore-benign'),
  ...realRecording('benign: a quota on limits added to a namespace whose pods name them, then a routine restart', 'quota-on-limits-benign'),
  ...realRecording('the Deployment behind a Service deleted, the Service stays empty', 'dependency-deleted'),
  ...realRecording("a release drops a pod-template label the Service selects on: the Service empties", 'template-label-dropped'),
  ...realRecording('cluster DNS scaled to zero: every lookup refused, readiness fails in two namespaces', 'coredns-scaled-zero'),
  ...realRecording("a cache scaled to zero: the api whose liveness probe calls it is restarted again and again", 'liveness-on-dependency'),
];
