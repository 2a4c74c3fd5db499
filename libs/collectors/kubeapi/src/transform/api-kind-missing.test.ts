import { describe, expect, it } from 'vitest';
import { context, watch } from './kubeapi-transformer.test-support.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';

/** An operator pod after `restarts` exits, its last termination message `message`. */
function operator(resourceVersion: string, restarts: number, message?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'topic-provisioner-1', namespace: 'kafka', uid: 'pod-1', resourceVersion },
    spec: { nodeName: 'node-1', containers: [{ name: 'manager', image: 'provisioner:1.8' }] },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'manager', ready: false, restartCount: restarts, state: { running: {} }, ...(restarts ? { lastState: { terminated: { exitCode: 1, reason: 'Error', ...(message ? { message } : {}) } } } : {}) }],
    },
  };
}

function restartOf(message?: string) {
  const transformer = new KubeApiTransformer();
  transformer.transform(watch('ADDED', operator('1', 0)), context(1));
  return transformer.transform(watch('MODIFIED', operator('2', 1, message)), context(2)).find((event) => event.type === 'pod_restart');
}

describe('a container that exits because the API serves no kind it uses', () => {
  it('names the CustomResourceDefinition by plural and group, from a plain or a JSON-logged message', () => {
    const plain = restartOf('problem running manager: no matches for kind "KafkaTopic" in version "kafka.strimzi.io/v1beta2"');
    expect(plain?.annotations).toEqual({ 'cause.kind': 'CustomResourceDefinition', 'cause.name': 'kafkatopics.kafka.strimzi.io' });
    expect(plain?.message).toContain('serves no kind KafkaTopic in kafka.strimzi.io');
    const logged = restartOf('{"level":"error","error":"no matches for kind \\"NetworkPolicy\\" in version \\"crd.projectcalico.org/v1\\""}');
    expect(logged?.annotations?.['cause.name']).toBe('networkpolicies.crd.projectcalico.org');
    expect(restartOf('no matches for kind "Gateway" in version "gateway.networking.k8s.io/v1"')?.annotations?.['cause.name']).toBe('gateways.gateway.networking.k8s.io');
    expect(restartOf('no matches for kind "ServiceEntry" in version "networking.istio.io/v1"')?.annotations?.['cause.name']).toBe('serviceentries.networking.istio.io');
  });

  it('names nothing for other exits, or a kind of the core group (no CustomResourceDefinition serves it)', () => {
    expect(restartOf('panic: runtime error: invalid memory address')?.annotations).toBeUndefined();
    expect(restartOf()?.annotations).toBeUndefined();
    expect(restartOf('no matches for kind "Deployment" in version "extensions/v1beta1"')?.annotations).toBeUndefined();
  });
});
