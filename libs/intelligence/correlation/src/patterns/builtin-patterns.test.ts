import { describe, expect, it } from 'vitest';
import type { EntityRef, Insight } from '@tapio/domain';
import { ClusterFixture, type Workload } from '../../test/support/cluster-fixture.js';
import { analyze, builtinEngine, builtinPatterns, loud, summary } from '../../test/support/engine.js';

const NODES = ['node-1', 'node-2', 'node-3'];

/** A small shop: nodes, a checkout Deployment mounting its ConfigMap behind a Service and Ingress, and a cart Deployment. */
function shop(options: { checkoutNodes?: string[] } = {}) {
  const cluster = new ClusterFixture();
  cluster.nodes(...NODES);
  const config = cluster.configMap('shop', 'checkout-config');
  const unused = cluster.configMap('shop', 'legacy-flags');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 3, configMaps: ['checkout-config'], nodes: options.checkoutNodes ?? NODES });
  cluster.service(checkout, 'shop-ingress');
  const cart = cluster.workload('shop', 'cart', { replicas: 2 });
  cluster.service(cart);
  cluster.advance(60);
  return { cluster, config, unused, checkout, cart };
}

const withPattern = (insights: Insight[], pattern: string) => insights.filter((insight) => insight.pattern === pattern);
const rootIs = (insight: Insight | undefined, ref: EntityRef) =>
  insight !== undefined && insight.rootCause.entity.kind === ref.kind && insight.rootCause.entity.name === ref.name && (insight.rootCause.entity.namespace ?? null) === (ref.namespace ?? null);

function crashNewPods(cluster: ClusterFixture, pods: EntityRef[], rounds: number, gapSeconds = 30): void {
  for (let round = 1; round <= rounds; round += 1) {
    for (const pod of pods) {
      cluster.restart(pod, round);
      cluster.advance(2);
      cluster.crashLoop(pod, round);
    }
    cluster.advance(gapSeconds);
  }
}

describe('built-in patterns', () => {
  it('all load and are enabled', () => {
    const names = builtinPatterns().map((pattern) => pattern.metadata.name).sort();
    expect(names).toEqual([
      'admission-refused',
      'bad-rollout',
      'capacity-policy-change',
      'config-cascade',
      'config-drift',
      'crash-loop-death-spiral',
      'dns-black-hole',
      'drain-unplaceable',
      'etcd-leader-flapping',
      'etcd-write-outage',
      'hpa-maxed-out',
      'hpa-maxed-out-late',
      'job-backoff-exceeded',
      'liveness-death-spiral',
      'memory-leak-oom',
      'network-partition',
      'node-failure',
      'node-memory-pressure',
      'noisy-neighbour',
      'oom-cascade',
      'planned-maintenance',
      'preemption',
      'preemption-starves',
      'pvc-deadlock',
      'rollout-regression',
      'runtime-restart',
      'scheduler-thrash',
      'service-without-endpoints',
      'stalled-rollout',
    ]);
  });
});

describe('config-cascade', () => {
  it('a ConfigMap edit rolled out to pods that then crash is blamed on the ConfigMap', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(150);
    const fresh = cluster.rollout(checkout);
    cluster.advance(5);
    crashNewPods(cluster, fresh, 3);
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
    expect(insights[0]?.pattern).toBe('config-cascade');
    expect(insights[0]?.symptoms.map((symptom) => symptom.name).sort()).toEqual(fresh.map((pod) => pod.name).sort());
  });

  it('with a Recreate rollout the Service empties before the new pods crash: still one incident, blamed on the ConfigMap', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(120);
    const old = [...checkout.pods];
    // Recreate: the template changes, every old pod goes, the Service empties, then the new pods start.
    const fresh = cluster.rollout(checkout);
    for (const pod of old) cluster.retire(pod);
    cluster.advance(1);
    cluster.signal('service_unavailable', cluster.ref('Service', 'checkout', 'shop'), { message: 'Service shop/checkout has no ready endpoints (was 3)' });
    cluster.advance(5);
    crashNewPods(cluster, fresh, 3);
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
  });

  it.each([
    ['pod_failed', 'CreateContainerConfigError: configmap "checkout-config" not found'],
    ['volume_mount_failed', 'MountVolume.SetUp failed for volume "config": configmap "checkout-config" not found'],
  ] as const)('a deleted ConfigMap whose pods then fail (%s) is blamed on the ConfigMap', (failure, why) => {
    const { cluster, config, checkout } = shop();
    cluster.signal('config_changed', config, {
      message: 'ConfigMap shop/checkout-config deleted (data keys application.yaml)',
      kubernetes: { watchType: 'DELETED', changes: [{ path: 'data.application.yaml', op: 'removed' }] },
    });
    cluster.advance(90);
    for (let round = 0; round < 2; round += 1) {
      for (const pod of checkout.pods) {
        cluster.signal(failure, pod, { message: why });
        cluster.advance(10);
      }
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
    expect(insights[0]?.pattern).toBe('config-cascade');
  });

  it('a Secret rotation whose pods then crash without a rollout (hot reload) is blamed on the Secret', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const secret = cluster.secret('payments', 'db-credentials');
    const api = cluster.workload('payments', 'ledger', { replicas: 2, secrets: ['db-credentials'] });
    cluster.advance(300);
    cluster.editConfig(secret, 'password');
    cluster.advance(40);
    crashNewPods(cluster, api.pods, 2, 45);
    const insights = analyze(cluster.events);
    expect(rootIs(insights[0], secret), summary(insights)).toBe(true);
    expect(insights[0]?.pattern).toBe('config-cascade');
  });

  it('near miss: an edit of a ConfigMap nobody mounts, then crashes of another app, is not a config cascade', () => {
    const { cluster, unused, cart } = shop();
    cluster.editConfig(unused, 'flags.json');
    cluster.advance(120);
    crashNewPods(cluster, cart.pods, 2, 60);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'config-cascade'), summary(insights)).toEqual([]);
    expect(insights.some((insight) => rootIs(insight, unused)), summary(insights)).toBe(false);
  });

  it('near miss: pods already crashing before the edit are not explained by it', () => {
    const { cluster, config, checkout } = shop();
    crashNewPods(cluster, checkout.pods, 2, 60);
    cluster.editConfig(config);
    cluster.advance(60);
    crashNewPods(cluster, checkout.pods, 2, 60);
    const insights = analyze(cluster.events);
    expect(insights.some((insight) => rootIs(insight, config)), summary(insights)).toBe(false);
  });
});

describe('config-drift', () => {
  it('repeated edits of a ConfigMap followed by flapping readiness of its pods', () => {
    const { cluster, config, checkout } = shop();
    for (let edit = 0; edit < 3; edit += 1) {
      cluster.editConfig(config);
      cluster.advance(300);
    }
    for (const pod of checkout.pods) {
      cluster.probeFailure(pod, 'Readiness', 2);
      cluster.advance(10);
      cluster.signal('pod_not_ready', pod);
      cluster.advance(20);
    }
    const insights = withPattern(analyze(cluster.events), 'config-drift');
    expect(insights.length, summary(analyze(cluster.events))).toBeGreaterThan(0);
  });

  it('near miss: one edit and a single transient readiness failure', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(600);
    cluster.probeFailure(checkout.pods[0] as EntityRef, 'Readiness');
    cluster.advance(60);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'config-drift')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('crash-loop-death-spiral', () => {
  it('a container restarting more than three times in ten minutes', () => {
    const { cluster, cart } = shop();
    const pod = cart.pods[0] as EntityRef;
    for (let restart = 1; restart <= 5; restart += 1) {
      cluster.restart(pod, restart);
      cluster.advance(60);
    }
    const insights = analyze(cluster.events);
    const spiral = withPattern(insights, 'crash-loop-death-spiral');
    expect(spiral.length, summary(insights)).toBe(1);
    expect(rootIs(spiral[0], pod)).toBe(true);
  });

  it('near miss: the same restarts spread over hours', () => {
    const { cluster, cart } = shop();
    const pod = cart.pods[0] as EntityRef;
    for (let restart = 1; restart <= 5; restart += 1) {
      cluster.restart(pod, restart);
      cluster.advance(45 * 60);
    }
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'crash-loop-death-spiral')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('oom-cascade', () => {
  function hogAndVictim(victimNode: string) {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'recommendations', { replicas: 3, nodes: ['node-2', 'node-2', 'node-1'] });
    const victim = cluster.workload('analytics', 'report-worker', { replicas: 1, nodes: [victimNode] });
    cluster.advance(120);
    for (let round = 1; round <= 3; round += 1) {
      for (const pod of hog.pods.slice(0, 2)) {
        cluster.oomKill(pod, round);
        cluster.restart(pod, round, 'OOMKilled', 137);
        cluster.advance(20);
      }
      cluster.advance(40);
    }
    return { cluster, hog, victim };
  }

  it('OOM kills, then memory pressure on their node, then an eviction of another app', () => {
    const { cluster, hog, victim } = hogAndVictim('node-2');
    cluster.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    cluster.advance(10);
    cluster.evict(victim.pods[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('oom-cascade');
    expect(rootIs(insights[0], hog.ref), summary(insights)).toBe(true);
    expect(insights[0]?.symptoms.map((symptom) => symptom.name)).toContain(victim.pods[0]?.name);
  });

  it('the kubelet reporting a SystemOOM on the node first does not make the node the root', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'recommendations', { replicas: 2, nodes: ['node-2'] });
    const victim = cluster.workload('analytics', 'report-worker', { replicas: 1, nodes: ['node-2'] });
    cluster.advance(120);
    for (const pid of [4242, 4388]) {
      cluster.signal('oom_killed', cluster.ref('Node', 'node-2'), { message: `SystemOOM: System OOM encountered, victim process: java, pid: ${pid}` });
      cluster.advance(5);
    }
    for (let round = 1; round <= 2; round += 1) {
      for (const pod of hog.pods) {
        cluster.oomKill(pod, round);
        cluster.advance(15);
      }
    }
    cluster.nodeCondition('node-2', 'memory_pressure', 'MemoryPressure');
    cluster.advance(10);
    cluster.evict(victim.pods[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('oom-cascade');
    expect(rootIs(insights[0], hog.ref), summary(insights)).toBe(true);
  });

  it('near miss: a node drain evicts pods without any memory trouble', () => {
    const { cluster, cart, checkout } = shop();
    cluster.signal('node_spec_changed', cluster.ref('Node', 'node-2'), { message: 'Node node-2 changed: unschedulable false -> true' });
    cluster.advance(5);
    for (const pod of [...cart.pods, ...checkout.pods].filter((_, index) => index % 2 === 0)) {
      cluster.retire(pod);
      cluster.advance(3);
    }
    cluster.scale(cart, 3);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'oom-cascade')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('noisy-neighbour', () => {
  it('one workload OOM-killed on a node, a pod of another workload on that node OOM-killed next', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'search', { replicas: 2, nodes: ['node-3'] });
    const victim = cluster.workload('shop', 'thumbnails', { replicas: 1, nodes: ['node-3'] });
    cluster.advance(60);
    for (const pod of hog.pods) {
      cluster.oomKill(pod, 1);
      cluster.advance(30);
    }
    cluster.oomKill(victim.pods[0] as EntityRef, 1);
    const insights = analyze(cluster.events);
    const noisy = withPattern(insights, 'noisy-neighbour');
    expect(noisy.length, summary(insights)).toBe(1);
    expect(rootIs(noisy[0], hog.ref), summary(insights)).toBe(true);
  });

  it('near miss: the other workload is on a different node', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const hog = cluster.workload('shop', 'search', { replicas: 2, nodes: ['node-3'] });
    const other = cluster.workload('shop', 'thumbnails', { replicas: 1, nodes: ['node-1'] });
    cluster.advance(60);
    for (const pod of hog.pods) {
      cluster.oomKill(pod, 1);
      cluster.advance(30);
    }
    cluster.oomKill(other.pods[0] as EntityRef, 1);
    expect(withPattern(analyze(cluster.events), 'noisy-neighbour')).toEqual([]);
  });
});

describe('scheduler-thrash', () => {
  it('pods of one workload evicted and unschedulable again and again', () => {
    const { cluster, cart } = shop();
    for (let round = 0; round < 3; round += 1) {
      for (const pod of cart.pods) {
        cluster.evict(pod, 'The node had condition: [DiskPressure].');
        cluster.advance(30);
      }
      cluster.signal('pod_unschedulable', cart.pods[0] as EntityRef, { message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.' });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'scheduler-thrash');
    expect(insights.length).toBe(1);
    expect(insights[0]?.rootCause.entity.name.startsWith('cart')).toBe(true);
  });

  it('near miss: a scale-up whose new pod waits once for a node', () => {
    const { cluster, cart } = shop();
    const [fresh] = cluster.scale(cart, 3);
    cluster.signal('pod_unschedulable', fresh as EntityRef, { message: 'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.' });
    cluster.advance(40);
    cluster.signal('pod_scheduled', fresh as EntityRef);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'scheduler-thrash')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

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

describe('liveness-death-spiral', () => {
  it('repeated liveness failures followed by restarts of the same pod', () => {
    const { cluster, cart } = shop();
    const pod = cart.pods[1] as EntityRef;
    for (let restart = 1; restart <= 3; restart += 1) {
      cluster.probeFailure(pod, 'Liveness', 3 * restart);
      cluster.advance(15);
      cluster.restart(pod, restart, 'Error', 137);
      cluster.advance(90);
    }
    const insights = analyze(cluster.events);
    const spiral = withPattern(insights, 'liveness-death-spiral');
    expect(spiral.length, summary(insights)).toBe(1);
    expect(spiral[0]?.rootCause.entity.name.startsWith('cart')).toBe(true);
  });

  it('near miss: a single transient liveness probe failure', () => {
    const { cluster, cart } = shop();
    cluster.probeFailure(cart.pods[1] as EntityRef, 'Liveness');
    cluster.advance(300);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'liveness-death-spiral')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});

describe('pvc-deadlock', () => {
  it('a pod that cannot attach its volume, again and again', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet', claims: ['data-postgres-0'] });
    cluster.advance(60);
    const pod = db.pods[0] as EntityRef;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      cluster.signal('volume_attach_failed', pod, { message: 'FailedAttachVolume: Multi-Attach error for volume "pvc-1f2e" Volume is already exclusively attached to one node', kubernetes: { eventReason: 'FailedAttachVolume', count: attempt } });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(insights.length).toBe(1);
    // The claim the pod waits for is the cause; the pod is what it touched.
    expect(rootIs(insights[0], cluster.ref('PersistentVolumeClaim', 'data-postgres-0', 'data')), summary(insights)).toBe(true);
    expect(insights[0]?.symptoms.map((symptom) => symptom.name)).toEqual(['postgres-0']);
    expect(insights[0]?.rootCause.what).toContain('on Pod data/postgres-0');
  });

  it('of a pod with several claims, blames the one whose volume the failure names', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    for (const [claim, volume] of [['data-postgres-0', 'pvc-1f2e'], ['wal-postgres-0', 'pvc-9a0b']] as const) {
      cluster.object('resource_created', { kind: 'PersistentVolumeClaim', name: claim, namespace: 'data', uid: `uid-${claim}`, volumeName: volume }, `PersistentVolumeClaim data/${claim} exists`);
    }
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet', claims: ['data-postgres-0', 'wal-postgres-0'] });
    cluster.advance(60);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      cluster.signal('volume_attach_failed', db.pods[0] as EntityRef, { message: 'FailedAttachVolume: Multi-Attach error for volume "pvc-9a0b" Volume is already exclusively attached to one node' });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(rootIs(insights[0], cluster.ref('PersistentVolumeClaim', 'wal-postgres-0', 'data')), summary(insights)).toBe(true);
  });

  it('stays on the pod when the topology does not know what it claims', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet' });
    cluster.advance(60);
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      cluster.signal('volume_mount_failed', db.pods[0] as EntityRef, { message: 'MountVolume.SetUp failed for volume "data": mount failed: exit status 32' });
      cluster.advance(120);
    }
    const insights = withPattern(analyze(cluster.events), 'pvc-deadlock');
    expect(rootIs(insights[0], db.pods[0] as EntityRef), summary(insights)).toBe(true);
  });

  it('near miss: one attach failure that resolves on retry', () => {
    const cluster = new ClusterFixture();
    cluster.nodes(...NODES);
    const db = cluster.workload('data', 'postgres', { replicas: 1, kind: 'StatefulSet', claims: ['data-postgres-0'] });
    cluster.advance(60);
    cluster.signal('volume_attach_failed', db.pods[0] as EntityRef, { message: 'FailedAttachVolume: timed out waiting for the condition' });
    cluster.advance(30);
    cluster.signal('pod_ready', db.pods[0] as EntityRef);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'pvc-deadlock')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
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

describe('bad-rollout', () => {
  it('a rollout whose new pods cannot pull their image is blamed on the rolled workload', () => {
    const { cluster, checkout } = shop();
    const fresh = cluster.rollout(checkout, 'containers[checkout].image registry.example/checkout:2.14 -> registry.example/checkout:2.15-typo', 1);
    cluster.advance(5);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      cluster.signal('image_pull_failed', fresh[0] as EntityRef, { message: 'Failed: Failed to pull image "registry.example/checkout:2.15-typo": not found' });
      cluster.advance(30);
    }
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('bad-rollout');
    expect(rootIs(insights[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('near miss: a routine rollout (new pods start, old pods go, one transient pull error retried)', () => {
    const { cluster, checkout } = shop();
    const old = [...checkout.pods];
    const fresh = cluster.rollout(checkout, 'containers[checkout].image 2.14 -> 2.15', 3);
    cluster.signal('image_pull_failed', fresh[0] as EntityRef, { message: 'Failed: Failed to pull image "registry.example/checkout:2.15": i/o timeout' });
    for (const [index, pod] of fresh.entries()) {
      cluster.advance(10);
      cluster.signal('pod_ready', pod);
      cluster.retire(old[index] as EntityRef);
    }
    cluster.signal('rollout_completed', checkout.ref);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'bad-rollout')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
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

describe('routine activity never becomes an incident', () => {
  const cases: Array<[string, (cluster: ClusterFixture, apps: { checkout: Workload; cart: Workload; config: EntityRef; unused: EntityRef }) => void]> = [
    ['a single transient readiness probe failure', (cluster, { cart }) => void cluster.probeFailure(cart.pods[0] as EntityRef, 'Readiness')],
    [
      'a routine rollout',
      (cluster, { checkout }) => {
        const old = [...checkout.pods];
        for (const [index, pod] of cluster.rollout(checkout, 'containers[checkout].image 2.14 -> 2.15').entries()) {
          cluster.advance(15);
          cluster.signal('pod_ready', pod);
          cluster.retire(old[index] as EntityRef);
        }
      },
    ],
    ['a scale-up', (cluster, { cart }) => void cluster.scale(cart, 6)],
    [
      'a node drain',
      (cluster, { checkout, cart }) => {
        cluster.signal('node_spec_changed', cluster.ref('Node', 'node-1'), { message: 'Node node-1 changed: unschedulable false -> true' });
        for (const pod of [checkout.pods[0], cart.pods[0]]) cluster.retire(pod as EntityRef);
      },
    ],
    ['a ConfigMap change nobody uses', (cluster, { unused }) => void cluster.editConfig(unused, 'flags.json')],
    [
      'a ConfigMap change rolled out successfully',
      (cluster, { checkout, config }) => {
        cluster.editConfig(config);
        cluster.advance(60);
        const old = [...checkout.pods];
        for (const [index, pod] of cluster.rollout(checkout).entries()) {
          cluster.advance(15);
          cluster.signal('pod_ready', pod);
          cluster.retire(old[index] as EntityRef);
        }
      },
    ],
    [
      'restarts spread over hours',
      (cluster, { cart }) => {
        for (let restart = 1; restart <= 4; restart += 1) {
          cluster.restart(cart.pods[restart % 2] as EntityRef, restart);
          cluster.advance(50 * 60);
        }
      },
    ],
  ];
  for (const [name, act] of cases) {
    it(name, () => {
      const { cluster, checkout, cart, config, unused } = shop();
      act(cluster, { checkout, cart, config, unused });
      cluster.advance(600);
      const insights = analyze(cluster.events);
      expect(loud(insights), summary(insights)).toEqual([]);
    });
  }
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

describe('stalled-rollout', () => {
  it('a ConfigMap edit rolled out to pods that never become ready: the stall is blamed on the edit', () => {
    const { cluster, config, checkout } = shop();
    cluster.editConfig(config);
    cluster.advance(20 * 60);
    const fresh = cluster.rollout(checkout, 'spec.template.annotations.checksum/config changed', 1);
    for (let probe = 1; probe <= 4; probe *= 2) {
      cluster.advance(60);
      cluster.probeFailure(fresh[0] as EntityRef, 'Readiness', probe);
    }
    cluster.advance(600);
    cluster.signal('rollout_stalled', checkout.ref, { message: 'Deployment shop/checkout rollout stalled: ReplicaSet has timed out progressing.' });
    const insights = analyze(cluster.events);
    expect(insights[0]?.pattern, summary(insights)).toBe('stalled-rollout');
    expect(rootIs(insights[0], config), summary(insights)).toBe(true);
  });

  it('a rollout of a bad template that stalls is blamed on the workload', () => {
    const { cluster, checkout } = shop();
    cluster.rollout(checkout, 'containers[checkout].readinessProbe changed', 1);
    cluster.advance(600);
    cluster.signal('rollout_stalled', checkout.ref);
    const insights = analyze(cluster.events);
    expect(rootIs(withPattern(insights, 'stalled-rollout')[0], checkout.ref), summary(insights)).toBe(true);
  });

  it('near miss: a rollout that completes', () => {
    const { cluster, checkout } = shop();
    const old = [...checkout.pods];
    for (const [index, pod] of cluster.rollout(checkout).entries()) {
      cluster.advance(20);
      cluster.signal('pod_ready', pod);
      cluster.retire(old[index] as EntityRef);
    }
    cluster.signal('rollout_completed', checkout.ref);
    const insights = analyze(cluster.events);
    expect(withPattern(insights, 'stalled-rollout')).toEqual([]);
    expect(loud(insights), summary(insights)).toEqual([]);
  });
});
