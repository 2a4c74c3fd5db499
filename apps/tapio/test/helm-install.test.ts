import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestCluster, type TestCluster } from '../../../tools/k8s/test-cluster.mjs';
import { CHART, helm, ROOT, withValues } from './support/helm-chart.js';
import { clusterKubectl, importedImages, type BuiltImage } from './support/tapio-image.js';

const run = promisify(execFile);
const INCIDENT = join(ROOT, 'tools/k8s/incidents/configmap-crash.sh');
const PLUGIN = join(ROOT, 'bin/kubectl-tapio');

interface PodList {
  items: Array<{ metadata: { name: string; labels?: Record<string, string> }; status: { phase: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ ready: boolean; restartCount: number; state?: { waiting?: { reason?: string } }; lastState?: { terminated?: { finishedAt: string } } }> } }>;
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, last: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last() ? `; last: ${last()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// The chart installed for real on the local cluster (tools/k8s) from the images tools/image
// builds (nothing is pulled): profile all + the node agent (kernel, DNS, journal, CRI, kubelet) +
// NATS JetStream on a PersistentVolumeClaim; a ConfigMap incident; the in-cluster Tapio's
// answer through `kubectl tapio`; upgrade; uninstall leaving nothing behind.
describe('helm install of deploy/helm/tapio on the local cluster', () => {
  let cluster: TestCluster;
  let images: { tapio: BuiltImage; nats: BuiltImage };
  const id = randomBytes(3).toString('hex');
  const ns = `tapio-e2e-${id}`;
  const shop = `shop-e2e-${id}`;
  const storageClass = `tapio-e2e-${id}`;
  const hostDir = `/var/tmp/tapio-helm-e2e-${id}`;
  const incident = (step: string) => run('bash', [INCIDENT, step], { env: { ...process.env, INCIDENT_NS: shop }, timeout: 240_000 });
  // kubectl tapio runs the cluster's own kubectl (KUBECTL) with the admin kubeconfig.
  const kubectlEnv = () => ({ ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECTL: clusterKubectl() });
  const pods = async (namespace: string, selector = 'app.kubernetes.io/name=tapio') => JSON.parse(await cluster.kubectl(['-n', namespace, 'get', 'pods', '-l', selector, '-o', 'json'])) as PodList;
  // Each pod's phase and waiting reason, then the namespace's warnings (FailedMount,
  // FailedScheduling...): a pod that never starts says why in the failure message.
  const describePods = async () => {
    const states = (await pods(ns)).items.map((pod) => {
      const container = pod.status.containerStatuses?.[0];
      return `${pod.metadata.name} ${pod.status.phase}${container?.state?.waiting ? ` (${container.state.waiting.reason})` : ''} ready=${container?.ready} restarts=${container?.restartCount}`;
    });
    const warnings = await cluster.kubectl(['-n', ns, 'get', 'events', '--field-selector', 'type=Warning', '-o', 'custom-columns=OBJECT:.involvedObject.name,REASON:.reason,MESSAGE:.message', '--no-headers']).catch((error: Error) => `(events unreadable: ${error.message})`);
    return `${states.join('; ')}; warnings: ${warnings.trim().split('\n').slice(-8).join(' | ') || '(none)'}`;
  };

  const values = () => ({
    cluster: 'e2e',
    image: { repository: images.tapio.repository, tag: images.tapio.tag, pullPolicy: 'Never' },
    nats: {
      image: { repository: images.nats.repository, tag: images.nats.tag, pullPolicy: 'Never' },
      storage: { size: '1Gi', storageClassName: storageClass },
      maxFileStore: '512M',
      streams: { rawMaxBytes: 64 * 1024 * 1024, unifiedMaxBytes: 64 * 1024 * 1024, insightsMaxBytes: 16 * 1024 * 1024 },
    },
    // The test cluster's containerd has its socket in the cluster's home; its kubelet listens on a port picked at start.
    agent: { collectors: { cri: { enabled: true, socket: join(cluster.home, 'run/containerd.sock') }, kubelet: { enabled: true, port: kubeletPort() } } },
  });

  const kubeletPort = () => Number(/^KUBELET_PORT=(\d+)$/m.exec(readFileSync(join(cluster.home, 'state.env'), 'utf8'))?.[1]);

  /** Every pod of the release Running and Ready, the DaemonSet's on every node; else the reason. */
  async function allReady(expected: string[]): Promise<void> {
    await poll(`pods ${expected.join(', ')} of ${ns} to be Ready`, 180_000, async () => {
      const list = await pods(ns);
      const ready = list.items.filter((pod) => pod.status.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True'));
      const components = ready.map((pod) => pod.metadata.labels?.['app.kubernetes.io/component']).sort();
      return list.items.length === expected.length && ready.length === list.items.length && JSON.stringify(components) === JSON.stringify([...expected].sort()) ? true : undefined;
    }, () => '');
  }

  beforeAll(async () => {
    cluster = await useTestCluster();
    images = await importedImages();
    await cluster.kubectl(['create', 'namespace', ns]);
    // NATS's claim binds to a hostPath volume of this run (the cluster has no provisioner).
    await mkdir(hostDir, { recursive: true });
    await chmod(hostDir, 0o777);
    await cluster.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: storageClass },
        spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: storageClass, claimRef: { namespace: ns, name: 'data-tapio-nats-0' }, hostPath: { path: hostDir, type: 'Directory' } },
      }),
    });
    await incident('prepare');
  }, 900_000);

  afterAll(async () => {
    await incident('cleanup').catch(() => undefined);
    await helm(['uninstall', 'tapio', '-n', ns, '--wait'], { kubeconfig: cluster?.kubeconfig }).catch(() => undefined);
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    await cluster?.kubectl(['delete', 'pv', storageClass, '--wait=false']).catch(() => undefined);
    await rm(hostDir, { recursive: true, force: true });
  }, 300_000);

  it('installs: every pod Ready, the agent with every collector up (none down for a missing privilege)', async () => {
    await withValues(values(), (file) => helm(['install', 'tapio', CHART, '-n', ns, '-f', file, '--wait', '--timeout', '5m'], { kubeconfig: cluster.kubeconfig, timeoutMs: 360_000 }));
    await allReady(['agent', 'all', 'nats']).catch(async (error: Error) => {
      throw new Error(`${error.message}; pods: ${await describePods()}`);
    });
    const agent = (await pods(ns, 'app.kubernetes.io/component=agent')).items[0]?.metadata.name as string;
    const readyz = JSON.parse(await cluster.kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/pods/${agent}:9464/proxy/readyz`])) as { components: Record<string, { status: string; reason?: string }> };
    // The eBPF collectors and the CRI collector work with exactly the documented privileges;
    // the journal collector may only be degraded (this host runs no journald), never down.
    for (const collector of ['kernel', 'dns', 'cri', 'kubelet']) expect(readyz.components[`collectors/${collector}`], collector).toMatchObject({ status: 'ok' });
    expect(readyz.components['collectors/journal']?.status).toMatch(/^(ok|degraded)$/);
    expect(JSON.stringify(readyz)).not.toMatch(/privilege|EPERM/i);
    // NATS runs the image's nats-server and syncs every write before acknowledging it (the chart's default).
    const varz = JSON.parse(await cluster.kubectl(['get', '--raw', `/api/v1/namespaces/${ns}/pods/tapio-nats-0:8222/proxy/varz`])) as { version: string; jetstream?: { config?: { sync_always?: boolean; store_dir?: string } } };
    expect(`v${varz.version}`).toBe(images.nats.tag);
    expect(varz.jetstream?.config).toMatchObject({ sync_always: true, store_dir: '/data/jetstream/jetstream' });
  }, 600_000);

  it("names the edited ConfigMap: kubectl tapio why, answered by the in-cluster Tapio", async () => {
    await incident('provoke');
    const crashed = await poll('a checkout pod to crash', 120_000, async () => {
      for (const pod of (await pods(shop, 'app=checkout')).items) if (pod.status.containerStatuses?.[0]?.lastState?.terminated) return pod.metadata.name;
      return undefined;
    });
    let last = '(no answer yet)';
    const answer = await poll(`kubectl tapio why pod -n ${shop} ${crashed} to name ConfigMap ${shop}/checkout-config`, 120_000, async () => {
      const why = await run(PLUGIN, ['why', 'pod', '-n', shop, crashed, '-o', 'json', '--tapio-namespace', ns], { env: kubectlEnv(), timeout: 60_000 });
      const parsed = JSON.parse(why.stdout) as { insights: Array<{ pattern: string; rootCause: { entity: { kind: string; namespace?: string; name: string } } }> };
      last = parsed.insights.map((insight) => `${insight.pattern}: ${insight.rootCause.entity.kind} ${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`).join('; ') || '(no insight)';
      const root = parsed.insights[0]?.rootCause.entity;
      return root?.kind === 'ConfigMap' && root.namespace === shop && root.name === 'checkout-config' ? parsed : undefined;
    }, () => last);
    expect(answer.insights[0]?.pattern).toBe('config-cascade');
  }, 300_000);

  it('answers kubectl tapio insights and events, honours --context and works without a local CLI', async () => {
    // A kubeconfig whose current context is missing: only --context reaches the cluster.
    const dir = await mkdtemp(join(tmpdir(), 'tapio-plugin-'));
    try {
      const kubeconfig = join(dir, 'config');
      await copyFile(cluster.kubeconfig, kubeconfig);
      const current = (await cluster.kubectl(['config', 'current-context'], { kubeconfig })).trim();
      await cluster.kubectl(['config', 'rename-context', current, 'tapio-e2e'], { kubeconfig });
      await cluster.kubectl(['config', 'set', 'current-context', 'nowhere'], { kubeconfig });
      const env = { ...kubectlEnv(), KUBECONFIG: kubeconfig };
      const plugin = (args: string[], extra: Record<string, string> = {}) => run(PLUGIN, [...args, '--tapio-namespace', ns], { env: { ...env, ...extra }, timeout: 60_000 });

      await expect(plugin(['insights'])).rejects.toThrow(/nowhere/);
      const insights = JSON.parse((await plugin(['insights', '--context', 'tapio-e2e', '-o', 'json'])).stdout) as { items: Array<{ rootCause: { entity: { kind: string; name: string } } }> };
      expect(insights.items.some((item) => item.rootCause.entity.kind === 'ConfigMap' && item.rootCause.entity.name === 'checkout-config')).toBe(true);
      const events = JSON.parse((await plugin(['events', 'cm', '-n', shop, 'checkout-config', '--context=tapio-e2e', '-o', 'json'])).stdout) as { items: Array<{ type: string }> };
      expect(events.items.length).toBeGreaterThan(0);
      // No tapio CLI on this side: the one in the API pod answers (kubectl exec).
      const inPod = JSON.parse((await plugin(['insights', '--context', 'tapio-e2e', '-o', 'json'], { TAPIO_CLI: 'in-cluster' })).stdout) as { items: unknown[] };
      expect(inPod.items.length).toBe(insights.items.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('upgrades in place (the changed configuration rolls the pods) and stays Ready', async () => {
    const before = (await pods(ns)).items.map((pod) => pod.metadata.name);
    await withValues({ ...values(), log: { level: 'debug' } }, (file) => helm(['upgrade', 'tapio', CHART, '-n', ns, '-f', file, '--wait', '--timeout', '5m'], { kubeconfig: cluster.kubeconfig, timeoutMs: 360_000 }));
    await poll('the agent and the Tapio pod to be replaced', 180_000, async () => {
      const now = (await pods(ns, 'app.kubernetes.io/component in (agent,all)')).items.map((pod) => pod.metadata.name);
      return now.length === 2 && now.every((name) => !before.includes(name)) ? true : undefined;
    });
    await allReady(['agent', 'all', 'nats']).catch(async (error: Error) => {
      throw new Error(`${error.message}; pods: ${await describePods()}`);
    });
    expect(await helm(['history', 'tapio', '-n', ns], { kubeconfig: cluster.kubeconfig })).toMatch(/2\s.*deployed\s.*Upgrade complete/);
  }, 600_000);

  it('uninstalls leaving nothing behind: no object of the release, its ClusterRole, binding or claim', async () => {
    await helm(['uninstall', 'tapio', '-n', ns, '--wait', '--timeout', '3m'], { kubeconfig: cluster.kubeconfig, timeoutMs: 240_000 });
    const leftovers = async () => {
      const namespaced = await cluster.kubectl(['-n', ns, 'get', 'all,configmaps,secrets,serviceaccounts,persistentvolumeclaims,roles,rolebindings', '-l', 'app.kubernetes.io/instance=tapio', '-o', 'name']);
      const claims = await cluster.kubectl(['-n', ns, 'get', 'persistentvolumeclaims', '-o', 'name']);
      const cluster_ = (await cluster.kubectl(['get', 'clusterroles,clusterrolebindings', '-o', 'name'])).split('\n').filter((name) => name.includes(ns));
      return [...namespaced.split('\n'), ...claims.split('\n'), ...cluster_].filter(Boolean);
    };
    let left: string[] = [];
    await poll('every object of the release to be gone', 120_000, async () => {
      left = await leftovers();
      return left.length === 0 ? true : undefined;
    }, () => left.join(', '));
    expect(await leftovers()).toEqual([]);
  }, 300_000);
});
