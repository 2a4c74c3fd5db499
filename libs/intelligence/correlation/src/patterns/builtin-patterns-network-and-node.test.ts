import { describe, expect, it } from 'vitest';
import type { EntityRef } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { NODES, rootIs, shop, withPattern } from '../../test/support/builtin-pattern-arrange.js';
import { analyze, builtinEngine, loud, summary } from '../../test/support/engine.js';

describe('dns-black-hole', () => {
  function withDns() {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const dns = cluster.workload('kube-system', 'coredns', { replicas: 2 });
    const app = cluster.workload('shop', 'checkout', { replicas: 3 });
    cluster.advance(60);
    return { cluster, dns, app };
  }

  it('CoreDNS pods fail, then lookups fail across the cluster', () => {
    const { cluster, dns, app } = withDns();
    for (const pod of dns.pods) cluster.crashLoop(pod, 3);
    cluster.advance(30);
    for (let lookup = 0; lookup < 8; lookup += 1) {
      cluster.signal('dns_timeout', app.pods[lookup % app.pods.length] as EntityRef, { message: 'DNS query payments.svc.cluster.local A timed out' });
      cluster.advance(10);
    }
    const insights = analyze(cluster.events);
    const dnsInsights = withPattern(insights, 'dns-black-hole');
    expect(dnsInsights.length, summary(insights)).toBe(1);
    expect(dnsInsights[0]?.rootCause.entity.name.startsWith('coredns')).toBe(true);
    expect(insights[0]?.pattern).toBe('dns-black-hole');
  });

  it('near miss: a few failed lookups of a missing name while CoreDNS is healthy', () => {
    const { cluster, app } = withDns();
    for (let lookup = 0; lookup < 8; lookup += 1) {
      cluster.signal('dns_failure', app.pods[0] as EntityRef, { message: 'DNS query legacy-db.shop.svc.cluster.local NXDOMAIN' });
      cluster.advance(20);
    }
    expect(withPattern(analyze(cluster.events), 'dns-black-hole')).toEqual([]);
  });
});

describe('network-partition', () => {
  it('many network failures from pods of one node within minutes', () => {
    const { cluster, checkout, cart } = shop({ checkoutNodes: ['node-3'] });
    const pods = [...checkout.pods, ...cart.pods.filter((_, index) => index === 0)];
    for (let failure = 0; failure < 8; failure += 1) {
      cluster.signal('network_unreachable', pods[failure % checkout.pods.length] as EntityRef, { message: 'connect 10.96.0.12:5432: network is unreachable' });
      cluster.advance(15);
    }
    const insights = withPattern(analyze(cluster.events), 'network-partition');
    expect(insights.length).toBe(1);
    // The node's network broke; its pods are what reported it.
    expect(rootIs(insights[0], cluster.ref('Node', 'node-3')), summary(insights)).toBe(true);
    expect(insights[0]?.symptoms.every((symptom) => symptom.kind === 'Pod')).toBe(true);
  });

  it('near miss: occasional timeouts spread over nodes and time', () => {
    const { cluster, checkout } = shop();
    for (const pod of checkout.pods) {
      cluster.signal('connection_timeout', pod, { message: 'connect 10.96.0.12:5432: i/o timeout' });
      cluster.advance(180);
    }
    expect(withPattern(analyze(cluster.events), 'network-partition')).toEqual([]);
  });
});

describe('service-without-endpoints', () => {
  it('a Service losing its last ready endpoint', () => {
    const { cluster, cart } = shop();
    const service = cluster.ref('Service', 'cart', 'shop');
    for (const pod of cart.pods) cluster.retire(pod);
    cluster.advance(2);
    cluster.signal('service_unavailable', service, { message: 'Service shop/cart has no ready endpoints (was 2)' });
    const insights = analyze(cluster.events);
    const outage = withPattern(insights, 'service-without-endpoints');
    expect(outage.length, summary(insights)).toBe(1);
    expect(outage[0]?.severity).toBe('critical');
  });

  it('an outage that outlasts the two-minute hold is reported while the stream goes on, and stays reported when the Service recovers', () => {
    const { cluster, cart } = shop();
    const service = cluster.ref('Service', 'cart', 'shop');
    for (const pod of cart.pods) cluster.retire(pod);
    cluster.advance(2);
    cluster.signal('service_unavailable', service, { message: 'Service shop/cart has no ready endpoints (was 2)' });
    const engine = builtinEngine();
    for (const event of cluster.events) engine.process(event);
    expect(engine.heldCount).toBe(1);
    expect(withPattern(engine.insights(), 'service-without-endpoints')).toEqual([]);
    cluster.advance(90);
    const beforeHoldEnds = cluster.signal('pod_ready', cluster.ref('Pod', 'checkout-0', 'shop'));
    expect(engine.process(beforeHoldEnds).insights).toEqual([]);
    cluster.advance(40);
    const released = engine.process(cluster.signal('pod_ready', cluster.ref('Pod', 'checkout-1', 'shop'))).insights;
    expect(released.map((insight) => insight.pattern)).toEqual(['service-without-endpoints']);
    engine.process(cluster.signal('service_restored', service, { message: 'Service shop/cart has 1 ready endpoint again' }));
    expect(withPattern(engine.insights(), 'service-without-endpoints').length).toBe(1);
    expect(engine.heldCount).toBe(0);
  });

  it('near miss: a Recreate rollout of a one-replica workload empties its Service for seconds: no incident', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const api = cluster.workload('shop', 'api', { replicas: 1 });
    const service = cluster.service(api);
    cluster.advance(300);
    const [old] = [...api.pods];
    const fresh = cluster.rollout(api, 'containers[api].image 2.0.0 -> 2.0.1');
    if (old) cluster.retire(old);
    cluster.advance(1);
    cluster.signal('service_unavailable', service, { message: 'Service shop/api has no ready endpoints (was 1)' });
    cluster.advance(25);
    for (const pod of fresh) cluster.signal('pod_ready', pod);
    cluster.signal('service_restored', service, { message: 'Service shop/api has 1 ready endpoint again' });
    cluster.advance(600);
    cluster.signal('pod_ready', fresh[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'service-without-endpoints'), summary(insights)).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });

  it('near miss: a rollout that only lowers the ready endpoint count', () => {
    const { cluster, cart } = shop();
    cluster.signal('endpoints_changed', cluster.ref('Endpoints', 'cart', 'shop'), { message: 'Endpoints shop/cart updated: readyEndpoints 2 -> 1', kubernetes: { changes: [{ path: 'readyEndpoints', op: 'changed', before: '2', after: '1' }] } });
    cluster.advance(10);
    cluster.rollout(cart, 'containers[cart].image 1.9.3 -> 1.9.4', 1);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'service-without-endpoints')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('node-failure', () => {
  it('a node going NotReady, then its pods failing, is blamed on the node', () => {
    const { cluster, checkout, cart } = shop();
    cluster.nodeCondition('node-2', 'node_not_ready', 'Ready', 'Unknown');
    cluster.advance(40);
    const onNode2 = [...checkout.pods, ...cart.pods].filter((_, index) => index % 3 === 1);
    for (const pod of onNode2) {
      cluster.signal('pod_not_ready', pod);
      cluster.advance(2);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('node-failure');
    expect(rootIs(insights[0], cluster.ref('Node', 'node-2')), summary(insights)).toBe(true);
  });

  it('near miss: pods going NotReady on another node than the one that blipped', () => {
    const { cluster, checkout } = shop();
    cluster.nodeCondition('node-1', 'node_not_ready', 'Ready', 'Unknown');
    cluster.advance(20);
    cluster.signal('node_ready', cluster.ref('Node', 'node-1'));
    cluster.advance(20);
    cluster.signal('pod_not_ready', checkout.pods[2] as EntityRef);
    expect(withPattern(analyze(cluster.events), 'node-failure')).toEqual([]);
  });
});

describe('node-failure roots at the Node, not at the pods the node controller also reports', () => {
  it('pod-level NodeNotReady events (same second as the Node one) do not become the root', () => {
    const { cluster, checkout, cart } = shop();
    const onNode2 = [...checkout.pods, ...cart.pods].filter((_, index) => index % 3 === 1);
    // The node controller reports the pods first in this recording order, in the same second.
    for (const pod of onNode2) cluster.signal('node_not_ready', pod, { message: 'NodeNotReady: Node is not ready' });
    cluster.nodeCondition('node-2', 'node_not_ready', 'Ready', 'Unknown');
    cluster.advance(1);
    for (const pod of onNode2) cluster.signal('pod_not_ready', pod);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('node-failure');
    expect(rootIs(insights[0], cluster.ref('Node', 'node-2')), summary(insights)).toBe(true);
  });
});

describe('node-disk-pressure', () => {
  /** node-1 runs a low-priority batch and a log writer; the writer is released, the node fills, the kubelet evicts by its ranking. */
  function diskFills(writerEvicted: boolean) {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const batch = cluster.workload('reports', 'thumbnails', { replicas: 2, nodes: ['node-1'] });
    const writer = cluster.workload('reports', 'log-writer', { replicas: 1, nodes: ['node-1'] });
    cluster.advance(60);
    cluster.rollout(writer, 'spec.containers[log-writer].command changed');
    cluster.advance(20);
    cluster.nodeCondition('node-1', 'disk_pressure', 'DiskPressure');
    const evictForDisk = (pod: EntityRef, usedKi: number) => {
      const event = cluster.evict(pod, `The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 9Gi. Container app was using ${usedKi}Ki, request is 0, has larger consumption of ephemeral-storage. `);
      event.annotations = { 'eviction.resource': 'ephemeral-storage', 'storage.usage_bytes': String(usedKi * 1024), 'storage.request_bytes': '0' };
    };
    // The victims go first for their priority; the writer (2.4 GiB written) last, if at all.
    for (const pod of batch.pods) {
      evictForDisk(pod, 268);
      cluster.advance(4);
    }
    if (writerEvicted) evictForDisk(writer.pods[0] as EntityRef, 2_516_582);
    cluster.advance(5);
    return { insights: analyze(cluster.events), writer };
  }

  it('blames the workload that wrote the most to the node, not the node or the low-priority pods evicted first', () => {
    const { insights, writer } = diskFills(true);
    expect(insights[0]?.pattern, summary(insights)).toBe('node-disk-pressure');
    expect(rootIs(insights[0], writer.ref), summary(insights)).toBe(true);
  });

  it('before the writer is evicted, the victims’ negligible figures point to the unbounded workload released just before', () => {
    const { insights, writer } = diskFills(false);
    expect(insights[0]?.pattern, summary(insights)).toBe('node-disk-pressure');
    expect(rootIs(insights[0], writer.ref), summary(insights)).toBe(true);
  });
});
