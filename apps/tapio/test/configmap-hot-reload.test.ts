import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PATTERN_DIR, DirectoryPatternSource } from '@tapio/correlation';
import type { PatternSet } from '@tapio/domain';
import { useTestCluster, type TestCluster } from '../../../tools/k8s/test-cluster.mjs';
import { clusterVersion } from '../../../tools/cluster-versions.mjs';

const IMAGES_VERSION = clusterVersion('IMAGES_VERSION');

/**
 * Pattern hot reload against the kubelet's own ConfigMap volume: a pod on the real test
 * cluster mounts a ConfigMap of patterns; Tapio's directory watcher watches that volume on
 * the node (the kubelet's root dir is on this host), and an edit of the ConfigMap, which the
 * kubelet applies by its atomic writer (a new timestamped folder, then the `..data` symlink
 * swapped), must reach the pattern set without a restart.
 */
describe('pattern hot reload from a ConfigMap mounted by the real kubelet', () => {
  let cluster: TestCluster;
  const namespace = `cm-reload-${process.pid}-${Date.now().toString(36)}`;

  const patternFile = async (name: string, description: string) =>
    (await readFile(join(BUILTIN_PATTERN_DIR, 'bad-rollout.yaml'), 'utf8')).replace(/name: bad-rollout/, `name: ${name}`).replace(/description: .*/, `description: ${description}`);

  const configMap = async (description: string) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patterns', namespace }, data: { 'mine.yaml': await patternFile('from-configmap', description) } });

  beforeAll(async () => {
    cluster = await useTestCluster();
    await cluster.kubectl(['create', 'namespace', namespace]);
    await cluster.kubectl(['apply', '-f', '-'], { input: await configMap('first version') });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'reader', namespace },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'reader', image: `tapio.local/busybox:${IMAGES_VERSION}`, imagePullPolicy: 'Never', command: ['sleep', '3600'], volumeMounts: [{ name: 'patterns', mountPath: '/patterns' }] }],
        volumes: [{ name: 'patterns', configMap: { name: 'patterns' } }],
      },
    };
    await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await cluster.kubectl(['-n', namespace, 'wait', '--for=condition=Ready', 'pod/reader', '--timeout=120s'], { timeoutMs: 130_000 });
  }, 300_000);

  afterAll(async () => {
    await cluster?.kubectl(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
  });

  it('reloads a pattern edited in the ConfigMap through the kubelet ..data symlink swap', async () => {
    const uid = (await cluster.kubectl(['-n', namespace, 'get', 'pod', 'reader', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const volume = join(cluster.home, 'data/kubelet/pods', uid, 'volumes/kubernetes.io~configmap/patterns');
    expect((await lstat(join(volume, '..data'))).isSymbolicLink()).toBe(true);
    const firstTarget = await readlink(join(volume, '..data'));

    const source = new DirectoryPatternSource([volume], { debounceMs: 50 });
    const sets: PatternSet[] = [];
    const stop = await source.watch((set) => sets.push(set));
    try {
      const initial = await source.load();
      expect(initial.errors).toEqual([]);
      expect(initial.patterns.find((pattern) => pattern.metadata.name === 'from-configmap')?.metadata.description).toBe('first version');

      await cluster.kubectl(['apply', '-f', '-'], { input: await configMap('second version, from the kubelet') });
      // The kubelet applies ConfigMap changes on its next sync of the pod (up to about a minute).
      const deadline = Date.now() + 150_000;
      let reloaded: PatternSet | undefined;
      while (!reloaded && Date.now() < deadline) {
        reloaded = sets.find((set) => set.patterns.some((pattern) => pattern.metadata.description === 'second version, from the kubelet'));
        if (!reloaded) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const target = await readlink(join(volume, '..data'));
      expect(reloaded, `no reload seen; ..data points at ${target} (was ${firstTarget})`).toBeDefined();
      // It came the kubelet's way: a new timestamped folder behind the same ..data link.
      expect(target).not.toBe(firstTarget);
      expect(target).toMatch(/^\.\.\d{4}_\d{2}_\d{2}/);
    } finally {
      await stop();
    }
  }, 200_000);
});
