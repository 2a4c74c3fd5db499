import { describe, expect, it } from 'vitest';
import { KubeApiCollector } from './kubeapi-collector.js';
import { KubeApiCollectorConfig } from './kubeapi-config.js';
import { namespaceFilter } from './namespace-filter.js';
import { rawKubeEvent } from './raw-kube-event.js';

describe('kubeapi collector configuration', () => {
  it('defaults to every kind over the HTTP watch, cluster "default"', () => {
    expect(KubeApiCollectorConfig.parse({})).toEqual({
      cluster: 'default',
      inCluster: false,
      namespaces: { exclude: [] },
      watchTransport: 'http',
      watchTimeoutSeconds: 300,
      listPageSize: 500,
      backoff: { initialMs: 500, maxMs: 30_000 },
      secrets: { read: 'metadata' },
    });
  });

  it('accepts Secret fingerprints only with a key source, and a key only from a file or the environment', () => {
    const noKey = KubeApiCollectorConfig.safeParse({ secrets: { read: 'fingerprints' } });
    expect(noKey.error?.issues[0]).toMatchObject({ path: ['secrets', 'fingerprintKey'] });
    expect(noKey.error?.issues[0]?.message).toMatch(/keyed, never plain hashes/);
    expect(KubeApiCollectorConfig.safeParse({ secrets: { read: 'fingerprints', fingerprintKey: { env: 'TAPIO_KEY' } } }).success).toBe(true);
    expect(KubeApiCollectorConfig.safeParse({ secrets: { read: 'fingerprints', fingerprintKey: { env: 'A', file: 'b' } } }).success).toBe(false);
    expect(KubeApiCollectorConfig.safeParse({ secrets: { read: 'plaintext' } }).success).toBe(false);
  });

  it('rejects unknown kinds and inCluster together with a kubeconfig, saying where', () => {
    const kinds = KubeApiCollectorConfig.safeParse({ kinds: ['Pod', 'Widget'] });
    expect(kinds.success).toBe(false);
    expect(kinds.error?.issues[0]?.path).toEqual(['kinds', 1]);
    const both = KubeApiCollectorConfig.safeParse({ inCluster: true, kubeconfig: '/etc/kube' });
    expect(both.error?.issues[0]).toMatchObject({ path: ['inCluster'], message: 'set either inCluster or kubeconfig, not both' });
    expect(() => new KubeApiCollector({ kinds: ['Gadget'] })).toThrow(/kinds/);
  });

  it('reports stopped health before start and an in-cluster config outside a pod as an error', async () => {
    const collector = new KubeApiCollector({ inCluster: true, cluster: 'c1' });
    expect(collector.id).toBe('kubeapi:c1');
    expect(collector.health()).toEqual({ status: 'stopped' });
    const saved = process.env['KUBERNETES_SERVICE_HOST'];
    delete process.env['KUBERNETES_SERVICE_HOST'];
    try {
      await expect(collector.start({ emit: async () => undefined })).rejects.toThrow(/KUBERNETES_SERVICE_HOST/);
    } finally {
      if (saved !== undefined) process.env['KUBERNETES_SERVICE_HOST'] = saved;
    }
  });
});

describe('namespaceFilter', () => {
  const object = (kind: string, name: string, namespace?: string) => ({ kind, metadata: namespace ? { name, namespace } : { name } });

  it('applies include and exclude to namespaced objects and to Namespace objects by name', () => {
    const accepts = namespaceFilter(['shop', 'pay'], ['pay']);
    expect(accepts(object('Pod', 'p', 'shop'))).toBe(true);
    expect(accepts(object('Pod', 'p', 'pay'))).toBe(false);
    expect(accepts(object('Pod', 'p', 'kube-system'))).toBe(false);
    expect(accepts(object('Namespace', 'shop'))).toBe(true);
    expect(accepts(object('Namespace', 'kube-system'))).toBe(false);
    expect(accepts(object('Node', 'node-a'))).toBe(true);
    expect(namespaceFilter(undefined, [])(object('Pod', 'p', 'anything'))).toBe(true);
  });
});

describe('rawKubeEvent', () => {
  it('is the recording format: whole-second UTC timestamp, verb as type, cluster and collector in metadata', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(rawKubeEvent('MODIFIED', object, 'prod-west', Date.parse('2026-03-02T10:03:12.789Z'))).toEqual({
      timestamp: '2026-03-02T10:03:12Z',
      source: 'kubeapi',
      type: 'MODIFIED',
      metadata: { cluster: 'prod-west', collector: 'kubeapi' },
      data: { type: 'MODIFIED', object },
    });
  });
});
