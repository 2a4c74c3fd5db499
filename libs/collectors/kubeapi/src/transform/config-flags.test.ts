import { describe, expect, it } from 'vitest';
import { configMapsNamedByFlags } from './config-flags.js';
import { factsOf } from './facts.js';

describe('ConfigMaps a controller names by a flag', () => {
  it('reads ingress-nginx’s flags under $(POD_NAMESPACE) and bare names, once each', () => {
    const controller = { args: ['/nginx-ingress-controller', '--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller', '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller', '--tcp-services-configmap=$(POD_NAMESPACE)/tcp-services'] };
    expect(configMapsNamedByFlags([controller, { command: ['autoscaler', '--status-config-map-name=cluster-autoscaler-status', '--configmap=tcp-services'] }])).toEqual(['ingress-nginx-controller', 'tcp-services', 'cluster-autoscaler-status']);
  });

  it('leaves a name under another namespace written out, and flags that name no ConfigMap', () => {
    expect(configMapsNamedByFlags([{ args: ['--configmap=kube-system/proxy-config', '--publish-service=$(POD_NAMESPACE)/svc', '--config=/etc/app.yaml', 'configmap=x'] }])).toEqual([]);
  });

  it('puts them among the pod’s ConfigMaps, as a mount would', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ingress-nginx-controller-1', namespace: 'ingress-nginx', uid: 'p1' }, spec: { containers: [{ name: 'controller', args: ['--configmap=$(POD_NAMESPACE)/ingress-nginx-controller'] }] }, status: {} };
    expect(factsOf(pod).configMaps).toEqual(['ingress-nginx-controller']);
  });
});
