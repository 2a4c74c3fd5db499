import { describe, expect, it } from 'vitest';
import type { UnifiedEvent } from '@tapio/domain';
import { transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';

const injector = {
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector', uid: 'mwc-1', resourceVersion: '1' },
  webhooks: [{ name: 'namespace.sidecar-injector.istio.io', clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } } }],
};
const replicaSet = {
  apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'checkout-847cf', namespace: 'shop', uid: 'rs-1', resourceVersion: '2' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'checkout' } }, template: { spec: { initContainers: [{ name: 'migrate', image: 'm:1' }], containers: [{ name: 'checkout', image: 'c:1' }] } } },
  status: { replicas: 1 },
};
/** The checkout pod, the proxy the injector added beside its own container; `proxyRestarts` and `appRestarts` so far. */
function pod(resourceVersion: string, proxyRestarts: number, appRestarts = 0) {
  const status = (name: string, restarts: number) => ({ name, ready: restarts === 0, restartCount: restarts, state: { running: {} }, ...(restarts ? { lastState: { terminated: { exitCode: 255, reason: 'Error' } } } : {}) });
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'checkout-847cf-npfp8', namespace: 'shop', uid: 'pod-1', resourceVersion, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-847cf', uid: 'rs-1', controller: true }] },
    spec: { nodeName: 'node-1', containers: [{ name: 'checkout', image: 'c:1' }, { name: 'istio-proxy', image: 'proxyv2:1.22' }] },
    status: { phase: 'Running', containerStatuses: [status('checkout', appRestarts), status('istio-proxy', proxyRestarts)] },
  };
}
const restarts = (events: UnifiedEvent[]) => events.filter((event) => event.type === 'pod_restart').map((event) => ({ container: event.kubernetes?.container, annotations: event.annotations ?? {} }));

describe('containers the controller never asked for', () => {
  it('keeps a workload template’s container names in its facts', () => {
    const [created] = run([watch('ADDED', replicaSet)]);
    expect(created?.kubernetes?.object?.templateContainers).toEqual(['migrate', 'checkout']);
  });

  it('marks a failing container outside the template injected, naming the mutating webhooks’ Services; the template’s own containers stay unmarked', () => {
    const events = run([watch('ADDED', injector), watch('ADDED', replicaSet, 1), watch('ADDED', pod('3', 0), 2), watch('MODIFIED', pod('4', 1), 12), watch('MODIFIED', pod('5', 1, 1), 20)]);
    expect(restarts(events)).toEqual([
      { container: 'istio-proxy', annotations: { 'container.injected': 'true', 'container.injectors': 'istio-system/istiod' } },
      { container: 'checkout', annotations: {} },
    ]);
  });

  it('marks it injected without injectors when no mutating webhook is known, and nothing when the controller is unknown', () => {
    expect(restarts(run([watch('ADDED', replicaSet, 1), watch('ADDED', pod('3', 0), 2), watch('MODIFIED', pod('4', 1), 12)]))[0]?.annotations).toEqual({ 'container.injected': 'true' });
    expect(restarts(run([watch('ADDED', injector), watch('ADDED', pod('3', 0), 2), watch('MODIFIED', pod('4', 1), 12)]))[0]?.annotations).toEqual({});
  });
});
