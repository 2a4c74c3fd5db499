import { describe, expect, it } from 'vitest';
import { context, watch } from './kubeapi-transformer.test-support.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';
import { configCalls } from './pod-calls.js';

/** A pod whose init container waits for a Service: its status as the kubelet reports it after `restarts` failed tries. */
function waitingPod(resourceVersion: string, restarts: number, waiting?: string) {
  const lastState = restarts > 0 ? { terminated: { exitCode: 1, reason: 'Error' } } : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'mailer-1', namespace: 'notify', uid: 'pod-1', resourceVersion },
    spec: {
      nodeName: 'node-1',
      initContainers: [{ name: 'wait-for-store', image: 'busybox:1.36', command: ['sh', '-c', 'until nslookup store.notify.svc.cluster.local; do sleep 2; done'] }],
      containers: [{ name: 'mailer', image: 'mailer:1' }],
    },
    status: {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'wait-for-store', ready: false, restartCount: restarts, state: waiting ? { waiting: { reason: waiting } } : { running: {} }, lastState }],
      containerStatuses: [{ name: 'mailer', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    },
  };
}

describe('KubeApiTransformer reads init containers', () => {
  it('an init container that fails again and again restarts and crash-loops the pod: Init:CrashLoopBackOff', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', waitingPod('1', 0)), context(1));
    const restarted = transformer.transform(watch('MODIFIED', waitingPod('2', 1)), context(2));
    expect(restarted.filter((event) => event.type === 'pod_restart').map((event) => event.message)).toEqual(['Init container wait-for-store of pod notify/mailer-1 restarted (1 restarts, last exit: Error code 1)']);
    const looping = transformer.transform(watch('MODIFIED', waitingPod('3', 1, 'CrashLoopBackOff')), context(3));
    expect(looping.filter((event) => event.type === 'crash_loop').map((event) => event.message)).toEqual(['Init container wait-for-store of pod notify/mailer-1 is in CrashLoopBackOff (1 restarts, last exit: Error code 1)']);
    // The pod's own containers are not its init containers: no restart of theirs is told.
    expect(looping.filter((event) => event.type === 'pod_restart')).toEqual([]);
  });
});

describe('a ConfigMap names what the pods using it call', () => {
  it('reads addresses out of its values (a properties file), bounded, never the rest of a value', () => {
    expect(configCalls({ 'app.properties': 'inventory.url=http://inventory-api.booking.svc.cluster.local:8080\nready.timeoutMs=800\npassword=hunter2\n' })).toEqual(['inventory-api.booking.svc.cluster.local:8080']);
    expect(configCalls({ 'feature.flags': 'dark-mode=true' })).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`k${index}`, `http://svc-${index}.shop:80`]));
    expect(configCalls(many)).toHaveLength(16);
  });
});
