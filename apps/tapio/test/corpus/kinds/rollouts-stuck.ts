import type { RecordedLine } from '../../support/recording-variants.js';
import { rolloutMissingConfig, rolloutNeverReady } from '../../support/rollout-stuck-incidents.js';
import { badImageRollout } from '../../support/synthetic-incidents.js';
import type { RecordingEditor } from '../../support/recording-editor.js';
import type { CorpusCase } from '../corpus-case.js';
import { realRecording } from '../real-recording.js';
import { benignRecording, threeWays } from '../corpus-variants.js';

const benign = (): RecordedLine[] => benignRecording();

/**
 * Rollouts whose new pods neither crash nor fail to pull: they cannot start (a ConfigMap the
 * new template reads was never created) or never become ready (a readiness probe pointed at
 * a path the app does not serve), with their look-alikes: a ConfigMap applied seconds late, a
 * new version that only starts slowly. Their answer is the rolled workload, minutes before
 * Kubernetes' progress deadline. Beside them the real recordings of the test cluster: an env
 * var read from a ConfigMap never created, a CPU request no node can offer, a claim that does
 * not exist, a readiness probe on a path not served, an init container added that exits 1, a
 * StatefulSet's and a DaemonSet's broken releases, first deploys whose pods never start, a
 * Service's targetPort moved, and two benign ones (a ConfigMap edited to another valid value
 * with a restart, a release that starts slowly).
 */
/** A harmless edit of the ConfigMap the workload reads, twenty seconds before its release. */
const harmlessEdit = (namespace: string, configMap: string, key: string) => (editor: RecordingEditor) => {
  editor.modify('ConfigMap', namespace, configMap, (object) => {
    const data = object['data'] as Record<string, string>;
    data[key] = `${data[key] ?? ''}\nlogLevel: debug\n`;
  });
  editor.advance(20);
};

export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('bad image in a release twenty seconds after a harmless ConfigMap edit: the release, not the edit', 'checkout', () => badImageRollout(benign(), 'shop', 'checkout', 'two-changes', harmlessEdit('shop', 'checkout-config', 'application.yaml'))),
  ...threeWays('bad image in a release twenty seconds after a harmless ConfigMap edit: the release, not the edit', 'frontend', () => badImageRollout(benign(), 'shop', 'frontend', 'two-changes-fe', harmlessEdit('shop', 'frontend-config', 'config.json'))),
  ...threeWays('rollout whose new pods cannot start: a ConfigMap the template reads does not exist', 'checkout', () => rolloutMissingConfig(benign(), 'shop', 'checkout')),
  ...threeWays('rollout whose new pods cannot start: a ConfigMap the template reads does not exist', 'payments-api', () => rolloutMissingConfig(benign(), 'payments', 'payments-api', { seed: 'missing-pay' })),
  ...threeWays('benign: the ConfigMap a rollout reads applied seconds after it, the pod starts on a retry', 'checkout, 20 s late', () => rolloutMissingConfig(benign(), 'shop', 'checkout', { createdAfter: 20 })),
  ...threeWays('rollout whose new pods never become ready: the readiness probe points at a path the app does not serve', 'catalog', () => rolloutNeverReady(benign(), 'shop', 'catalog')),
  ...threeWays('rollout whose new pods never become ready: the readiness probe points at a path the app does not serve', 'frontend', () => rolloutNeverReady(benign(), 'shop', 'frontend', { seed: 'never-ready-fe' })),
  ...threeWays('benign: a new version that starts slowly, its readiness probe refused for 50 s', 'catalog', () => rolloutNeverReady(benign(), 'shop', 'catalog', { readyAfter: 50 })),
  ...realRecording('rollout whose new pods cannot start: a ConfigMap the template reads does not exist', 'config-ref-missing'),
  ...realRecording('rollout whose new pods cannot start: the CPU request raised beyond any node', 'requests-too-large'),
  ...realRecording('rollout whose new pods cannot start: a claim that does not exist mounted', 'pvc-missing'),
  ...realRecording('rollout whose new pods cannot start: a claim of a storage class the cluster lacks mounted', 'pvc-unbound-storageclass'),
  ...realRecording('rollout whose new pods cannot start: a command the image does not have', 'command-not-found'),
  ...realRecording('rollout whose new pods cannot start: a hostPort that two replicas on one node cannot share', 'hostport-conflict'),
  ...realRecording('rollout regression: a startup probe shorter than the app needs to start', 'startup-probe-strict'),
  ...realRecording('rollout that stalls silently: an init container waits for a Service that does not exist', 'init-waits-for-service'),
  ...realRecording('bad image in a release twenty seconds after a harmless ConfigMap edit: the release, not the edit', 'two-changes-image-bad'),
  ...realRecording('rollout whose new pods never become ready: the readiness probe points at a path the app does not serve', 'readiness-path-broken'),
  ...realRecording('rollout regression: an init container added that keeps failing', 'init-container-failing'),
  ...realRecording('rollout regression of a StatefulSet: an env var its program rejects, the highest ordinal crash-loops', 'statefulset-bad-config'),
  ...realRecording('bad rollout of a DaemonSet: its image does not exist, the node runs none', 'daemonset-image-missing'),
  ...realRecording('first deploy whose pods never start: its image does not exist', 'new-app-image-missing'),
  ...realRecording('first deploy whose pods never start: a ConfigMap it reads does not exist', 'new-app-config-missing'),
  ...realRecording('first deploy whose pods never start: a StatefulSet whose claim template asks for a storage class the cluster lacks', 'statefulset-storageclass-missing'),
  ...realRecording('benign: a ConfigMap edited to another valid value, the Deployment restarted', 'configmap-edit-benign'),
  ...realRecording('benign: a new version that starts slowly, its readiness probe refused for 40 s', 'slow-start-rollout'),
  ...realRecording('benign: a Secret rotated, the Deployment restarted', 'secret-rotation-benign'),
  ...realRecording('benign: an app decommissioned whole (Deployment, Service, ConfigMap)', 'app-decommissioned-benign'),
  ...realRecording('benign: a ConfigMap and a Secret nobody uses deleted, then a restart', 'unused-config-deleted-benign'),
  ...realRecording('benign: the node cordoned for a minute and uncordoned', 'cordon-uncordon-benign'),
  ...realRecording("a CronJob's job template changed to an argument its program rejects: the next Job gives up", 'cronjob-template-broken'),
  // A rollout that only reveals the cause: the Secret its pods mount was deleted before it.
  ...realRecording('a Secret the pods mount deleted, then a routine restart cannot mount it', 'secret-deleted-restart'),
  ...realRecording('a ConfigMap the pods read their environment from deleted, then a routine restart cannot start', 'configmap-deleted-restart'),
  // Configuration edits a routine restart puts live: the restart is not the cause.
  ...realRecording('a ConfigMap edit the restarted pods cannot hold in their memory limit: OOMKilled', 'configmap-oom-restart'),
  ...realRecording('a credential rotation writes a password the database refuses: the restarted pods exit', 'secret-rotated-bad'),
  ...realRecording('a ConfigMap value the app rejects, put live by a restart, beside a harmless Service edit', 'config-bad-beside-service-edit'),
  ...realRecording('a mounted ConfigMap edited in place to a value the app rejects, no rollout: both pods crash on reload', 'configmap-hot-reload-crash'),
  // Not a rollout, recorded with them: the change is the callee Service's port, the caller's readiness is what fails.
  ...realRecording("Service targetPort moved to a port nothing listens on: the callers' readiness is refused", 'service-targetport-wrong'),
  // Releases the kubelet or the scheduler refuses in ways of their own (recorded 2026-12-06, asked before any change).
  ...realRecording('a release pins the pods to a node label no node has (a typo): the new pod stays Pending', 'nodeselector-typo'),
  ...realRecording('a hardening release sets runAsNonRoot for an image that runs as root: the container is never created', 'runasnonroot-rejected'),
  ...realRecording('a release adds a postStart hook that fails: the kubelet kills each new container', 'poststart-hook-failing'),
  ...realRecording('a release adds a sidecar that exits at once: the new pods never get ready', 'sidecar-crash'),
  ...realRecording('a release caps the CPU so low the warm-up outlasts the liveness probe: killed again and again', 'cpu-limit-starves-startup'),
  ...realRecording('benign: a routine release of a three-replica StatefulSet, replaced one pod at a time', 'statefulset-rollout-benign'),
  ...realRecording('benign: a routine release of a DaemonSet, its one pod replaced', 'daemonset-rollout-benign'),
  ...realRecording('benign: a release mounts a ConfigMap key that is not there by subPath; the kubelet makes an empty directory, nothing fails', 'configmap-subpath-absent-benign'),
  ...realRecording('a release adds a required pod anti-affinity on a one-node cluster: the new pod fits beside no old one', 'anti-affinity-rollout-stuck'),
  ...realRecording('a release ships a one-shot command that exits 0: the new pod restarts and backs off (Completed)', 'release-exits-zero'),
  ...realRecording("a DaemonSet's release selects nodes none is: its pod deleted, nothing Pending, its Service empty", 'daemonset-selector-matches-none'),
];
