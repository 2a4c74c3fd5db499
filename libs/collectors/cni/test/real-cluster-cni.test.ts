import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawEvent, UnifiedEvent } from '@tapio/plugin-api';
import { useTestCluster, type TestCluster } from '../../../../tools/k8s/test-cluster.mjs';
import { CniCollector } from '../src/collector/cni-collector.js';
import { CniTapTransformer } from '../src/transform/cni-transformer.js';

// The test cluster's containerd runs every pod's network set-up through tapio-cni-tap, chained
// in its conflist in front of the bridge plugin (tools/k8s/lib/configs.sh): a pod created on the
// cluster is one pod_network_setup with the address the pod got, its deletion one teardown.
describe('the CNI collector on the test cluster, whose conflist wraps the bridge plugin in tapio-cni-tap', () => {
  let cluster: TestCluster;
  let dir: string;
  let collector: CniCollector | undefined;
  const ns = `cni-${randomBytes(3).toString('hex')}`;
  const events: UnifiedEvent[] = [];
  const transformer = new CniTapTransformer();
  const context = { eventId: (raw: RawEvent, discriminator: string) => `${raw.timestamp}-${discriminator}`, processedAt: new Date().toISOString(), cluster: 'local' };
  const ours = () => events.filter((event) => event.entity?.namespace === ns);

  async function until(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; this namespace's CNI events: ${ours().map((event) => `${event.type} ${event.entity?.name}`).join(', ') || 'none'}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    cluster = await useTestCluster();
    dir = await mkdtemp(join(tmpdir(), 'tapio-cni-real-'));
    collector = new CniCollector({ spool: cluster.cniSpool(), offsetFile: join(dir, 'cni.offset'), nodeName: 'tapio-node', pollMs: 200 });
    await collector.start({ emit: async (raw) => void events.push(...transformer.transform(raw, context)) });
    await cluster.kubectl(['create', 'namespace', ns]);
  }, 180_000);

  afterAll(async () => {
    await collector?.stop();
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a pod created on the cluster: one set-up event with the pod's own address; deleted: one tear-down", async () => {
    await cluster.kubectl(['-n', ns, 'run', 'web', '--image=tapio.local/busybox:3', '--image-pull-policy=Never', '--restart=Never', '--command', '--', '/bin/sh', '-c', 'sleep 600']);
    await cluster.kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod/web', '--timeout=90s'], { timeoutMs: 100_000 });
    const podIp = (await cluster.kubectl(['-n', ns, 'get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}'])).trim();
    const uid = (await cluster.kubectl(['-n', ns, 'get', 'pod', 'web', '-o', 'jsonpath={.metadata.uid}'])).trim();
    await until('the pod network set-up', () => ours().some((event) => event.type === 'pod_network_setup'));
    const setup = ours().filter((event) => event.type === 'pod_network_setup');
    expect(setup).toHaveLength(1);
    expect(setup[0]).toMatchObject({ source: 'cni_tap', entity: { kind: 'Pod', namespace: ns, name: 'web' }, k8sContext: { uid, nodeName: 'tapio-node' }, network: { srcIp: podIp }, application: { fields: { interface: 'eth0' } } });
    expect(String(setup[0]?.application?.fields?.['gateway'])).toMatch(/^10\.244\.0\.1$/);

    await cluster.kubectl(['-n', ns, 'delete', 'pod', 'web', '--grace-period=0', '--force', '--wait=true'], { timeoutMs: 100_000 });
    await until('the pod network tear-down', () => ours().some((event) => event.type === 'pod_network_teardown'));
    expect(ours().filter((event) => event.type === 'pod_network_teardown')[0]).toMatchObject({ entity: { kind: 'Pod', namespace: ns, name: 'web' } });
    expect(ours().filter((event) => event.type === 'ip_allocation_failed' || event.type === 'cni_error')).toEqual([]);
  }, 240_000);
});
