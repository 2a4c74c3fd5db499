#!/usr/bin/env node
// Correlation engine benchmark (issue 4). Runs against the BUILT packages: `npm run build` first.
//
//   npm run bench:correlation            (node --expose-gc tools/bench/correlation.mjs)
//   BENCH_EVENTS=200000 BENCH_MEMORY_EVENTS=1000000 npm run bench:correlation
//
// 1. Throughput: events/s through CorrelationEngine.process with the five correlators and every
//    built-in pattern, over a 10,000-pod topology (1,000 Deployments x 10 pods on 200 nodes, a
//    Service and a ConfigMap each), on a realistic kubeapi mix (pod status updates carrying
//    object facts, readiness flips, endpoint changes, Kubernetes Events, probe failures, restarts,
//    crash loops, OOM kills, scaling, config edits, rollouts, node pressure); p50/p99/max per event.
// 2. Hot reload: a pattern file written into a watched directory, timed until the engine runs it.
// 3. Memory: heap with 1M events in the working window (after a full GC).
// 4. Long run (BENCH_ONLY=long-run runs it alone): 400K events of the incident mix with a
//    50K-event window, one event every 36 ms (a busy cluster: 4 hours of event time, twice the
//    2 h window, so closed incidents leave); heap after a full GC every 50K events, as a ratio
//    to the heap at 100K (the same run once its window is full): flat means the engine forgets
//    what left the window.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_SEMANTICS } from '@tapio/domain';
import {
  CorrelationEngine,
  DependencyCorrelator,
  ServiceDependencyCorrelator,
  BUILTIN_PATTERN_DIR,
  DirectoryPatternSource,
  loadBuiltinPatterns,
  OwnershipCorrelator,
  PerformanceCorrelator,
  SequenceCorrelator,
  TemporalCorrelator,
} from '@tapio/correlation';

const THROUGHPUT_EVENTS = Number(process.env.BENCH_EVENTS ?? 500_000);
const MEMORY_EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 1_000_000);
const DEPLOYMENTS = 1000;
const PODS_PER_DEPLOYMENT = 10;
const NODES = 200;
const NAMESPACES = 50;
/** Event time advances 1 ms per event: 1,000 events per second of cluster time, 1M events = ~17 minutes, all inside the 2 h window. */
const EVENT_SPACING_MS = 1;
const CLUSTER = 'bench';

function newEngine(options = {}) {
  const engine = new CorrelationEngine([new TemporalCorrelator(), new SequenceCorrelator(), new DependencyCorrelator(), new ServiceDependencyCorrelator(), new OwnershipCorrelator(), new PerformanceCorrelator()], undefined, options);
  engine.setPatterns(loadBuiltinPatterns());
  return engine;
}

/** Deterministic xorshift32, so every run sees the same stream. */
function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const START = Date.parse('2026-03-10T08:00:00Z');
const iso = (ms) => new Date(ms).toISOString();

class StreamFactory {
  constructor(seed, spacingMs = EVENT_SPACING_MS) {
    this.spacingMs = spacingMs;
    this.rand = random(seed);
    this.n = 0;
    this.clock = START;
    this.deployments = [];
    for (let d = 0; d < DEPLOYMENTS; d += 1) {
      const namespace = `ns-${d % NAMESPACES}`;
      const name = `app-${d}`;
      const pods = [];
      for (let p = 0; p < PODS_PER_DEPLOYMENT; p += 1) pods.push({ name: `${name}-7c9f8d6b5-${p.toString(36).padStart(5, 'x')}`, uid: `pod-${d}-${p}`, node: `node-${(d * 7 + p * 13) % NODES}`, restarts: 0, ready: true });
      this.deployments.push({ namespace, name, uid: `dep-${d}`, rs: `${name}-7c9f8d6b5`, rsUid: `rs-${d}`, config: `${name}-config`, pods });
    }
  }

  event(type, kind, namespace, name, message, extra = {}) {
    this.n += 1;
    this.clock += this.spacingMs;
    const semantics = EVENT_SEMANTICS[type];
    const timestamp = iso(this.clock);
    return {
      id: `e${this.n}-${this.clock.toString(36)}`,
      type,
      timestamp,
      source: 'kubeapi',
      severity: semantics.severity,
      message,
      semantic: { intent: semantics.intent, category: semantics.category, narrative: message },
      entity: { kind, name, cluster: CLUSTER, ...(namespace ? { namespace } : {}) },
      k8sContext: { kind, name, cluster: CLUSTER, ...(namespace ? { namespace } : {}), ...(extra.labels ? { labels: extra.labels } : {}) },
      ...(extra.kubernetes ? { kubernetes: extra.kubernetes } : {}),
      processedAt: timestamp,
    };
  }

  podFacts(deployment, pod) {
    return {
      kind: 'Pod',
      name: pod.name,
      namespace: deployment.namespace,
      uid: pod.uid,
      creationTimestamp: iso(START - 86_400_000),
      labels: { app: deployment.name, 'pod-template-hash': '7c9f8d6b5' },
      ownerReferences: [{ kind: 'ReplicaSet', name: deployment.rs, uid: deployment.rsUid, controller: true }],
      nodeName: pod.node,
      phase: 'Running',
      ready: pod.ready,
      containers: [{ name: 'app', image: `registry.example/${deployment.name}:1.0.${pod.restarts}`, ready: pod.ready, restartCount: pod.restarts, state: 'running' }],
      configMaps: [deployment.config],
    };
  }

  lifecycle(facts, watchType = 'ADDED') {
    return this.event(watchType === 'ADDED' ? 'resource_created' : 'resource_updated', facts.kind, facts.namespace, facts.name, `${facts.kind} ${facts.namespace ?? ''}/${facts.name} ${watchType === 'ADDED' ? 'exists' : 'updated'}`, {
      labels: facts.labels,
      kubernetes: { watchType, object: facts },
    });
  }

  /** The starting state: nodes, namespaces' ConfigMaps, Deployments, ReplicaSets, Services, Pods. */
  *topology() {
    for (let node = 0; node < NODES; node += 1) yield this.lifecycle({ kind: 'Node', name: `node-${node}`, uid: `node-${node}`, conditions: { Ready: 'True', MemoryPressure: 'False' } });
    for (const d of this.deployments) {
      yield this.lifecycle({ kind: 'ConfigMap', name: d.config, namespace: d.namespace, uid: `cm-${d.uid}`, dataKeys: ['application.yaml'], contentHash: 'h' });
      yield this.lifecycle({ kind: 'Deployment', name: d.name, namespace: d.namespace, uid: d.uid, labels: { app: d.name }, selector: { matchLabels: { app: d.name } }, replicas: PODS_PER_DEPLOYMENT, configMaps: [d.config] });
      yield this.lifecycle({ kind: 'ReplicaSet', name: d.rs, namespace: d.namespace, uid: d.rsUid, labels: { app: d.name }, ownerReferences: [{ kind: 'Deployment', name: d.name, uid: d.uid, controller: true }], replicas: PODS_PER_DEPLOYMENT });
      yield this.lifecycle({ kind: 'Service', name: d.name, namespace: d.namespace, uid: `svc-${d.uid}`, serviceSelector: { app: d.name } });
      for (const pod of d.pods) yield this.lifecycle(this.podFacts(d, pod));
    }
  }

  /** One event of the mix: a weighted pick of the generators below. */
  next() {
    const r = this.rand();
    const d = this.deployments[Math.floor(this.rand() * DEPLOYMENTS)];
    const pod = d.pods[Math.floor(this.rand() * PODS_PER_DEPLOYMENT)];
    let acc = 0;
    for (const [weight, make] of this.mix) {
      acc += weight;
      if (r < acc) return make(d, pod);
    }
    return this.mix[this.mix.length - 1][1](d, pod);
  }

  generators() {
    return {
      podUpdate: (d, pod) => this.lifecycle(this.podFacts(d, pod), 'MODIFIED'),
      normalEvent: (d, pod) => {
        const reason = ['Pulled', 'Created', 'Started', 'Scheduled', 'SuccessfulCreate'][Math.floor(this.rand() * 5)];
        return this.event('k8s_event', 'Pod', d.namespace, pod.name, `${reason}: container app`, { kubernetes: { eventReason: reason, eventType: 'Normal', count: 1 } });
      },
      readiness: (d, pod) => {
        pod.ready = !pod.ready;
        return this.event(pod.ready ? 'pod_ready' : 'pod_not_ready', 'Pod', d.namespace, pod.name, `Pod ${d.namespace}/${pod.name} ${pod.ready ? 'became ready' : 'is no longer ready'}`);
      },
      endpoints: (d) => {
        const before = 10 - Math.floor(this.rand() * 3);
        return this.event('endpoints_changed', 'Endpoints', d.namespace, d.name, `Endpoints ${d.namespace}/${d.name} updated: readyEndpoints ${before} -> ${before - 1}`, {
          kubernetes: { changes: [{ path: 'readyEndpoints', op: 'changed', before: String(before), after: String(before - 1) }] },
        });
      },
      probe: (d, pod) => this.event('probe_failed', 'Pod', d.namespace, pod.name, 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503', { kubernetes: { eventReason: 'Unhealthy', count: 1 + Math.floor(this.rand() * 4) } }),
      restart: (d, pod) => {
        pod.restarts += 1;
        return this.event('pod_restart', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} restarted (${pod.restarts} restarts)`, { kubernetes: { container: 'app', restartCount: pod.restarts, restartDelta: 1, exitCode: 1 } });
      },
      crashLoop: (d, pod) => this.event('crash_loop', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} is in CrashLoopBackOff`, { kubernetes: { reason: 'CrashLoopBackOff' } }),
      oom: (d, pod) => this.event('oom_killed', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} was OOMKilled (exit 137)`, { kubernetes: { reason: 'OOMKilled', exitCode: 137 } }),
      scale: (d) => this.event('workload_scaled', 'Deployment', d.namespace, d.name, `Deployment ${d.namespace}/${d.name} scaled: spec.replicas 10 -> 11`),
      configEdit: (d) => this.event('config_changed', 'ConfigMap', d.namespace, d.config, `ConfigMap ${d.namespace}/${d.config} changed: data key application.yaml edited`, { kubernetes: { watchType: 'MODIFIED', changes: [{ path: 'data.application.yaml', op: 'changed' }] } }),
      rollout: (d) => this.event('workload_spec_changed', 'Deployment', d.namespace, d.name, `Deployment ${d.namespace}/${d.name} pod template changed: image`, { kubernetes: { watchType: 'MODIFIED', changes: [{ path: 'spec.template.containers[app].image', op: 'changed' }] } }),
      imagePull: (d, pod) => this.event('image_pull_failed', 'Pod', d.namespace, pod.name, `Container app of pod ${d.namespace}/${pod.name} cannot pull image: ImagePullBackOff`),
      evicted: (d, pod) => this.event('pod_evicted', 'Pod', d.namespace, pod.name, `Pod ${d.namespace}/${pod.name} was evicted: The node was low on resource: memory.`),
      pressure: (_d, pod) => this.event('memory_pressure', 'Node', null, pod.node, `Node ${pod.node} reports MemoryPressure`, { kubernetes: { condition: 'MemoryPressure', conditionStatus: 'True' } }),
      nodeDown: (_d, pod) => this.event('node_not_ready', 'Node', null, pod.node, `Node ${pod.node} is not Ready (status Unknown)`, { kubernetes: { condition: 'Ready', conditionStatus: 'Unknown' } }),
      mountFailed: (d, pod) => this.event('volume_mount_failed', 'Pod', d.namespace, pod.name, 'FailedMount: MountVolume.SetUp failed for volume "data"'),
      dns: (d, pod) => this.event('dns_failure', 'Pod', d.namespace, pod.name, 'DNS query payments.svc.cluster.local NXDOMAIN'),
    };
  }
}

/**
 * Two mixes. `steady`: a large healthy cluster, mostly status updates and Normal Events with the
 * usual trickle of probe failures, restarts and rollouts (a few percent failures). `incident`: a
 * cluster on fire, a quarter of the stream failures, every pattern triggering constantly.
 */
const MIXES = {
  steady: { podUpdate: 0.45, normalEvent: 0.3, readiness: 0.08, endpoints: 0.08, probe: 0.03, restart: 0.015, crashLoop: 0.008, oom: 0.002, scale: 0.01, configEdit: 0.001, rollout: 0.002, imagePull: 0.001, evicted: 0.001, pressure: 0.0005, nodeDown: 0.0001, mountFailed: 0.0005, dns: 0.0009 },
  incident: { podUpdate: 0.3, normalEvent: 0.22, readiness: 0.12, endpoints: 0.12, probe: 0.1, restart: 0.05, crashLoop: 0.03, oom: 0.015, scale: 0.015, configEdit: 0.005, rollout: 0.005, imagePull: 0.005, evicted: 0.005, pressure: 0.003, nodeDown: 0.0005, mountFailed: 0.0025, dns: 0.004 },
};

function withMix(factory, name) {
  const generators = factory.generators();
  const total = Object.values(MIXES[name]).reduce((sum, weight) => sum + weight, 0);
  factory.mix = Object.entries(MIXES[name]).map(([generator, weight]) => [weight / total, generators[generator]]);
  return factory;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function throughput(mix) {
  const engine = newEngine();
  const factory = withMix(new StreamFactory(42), mix);
  let topologyEvents = 0;
  const topologyStart = performance.now();
  for (const event of factory.topology()) {
    engine.process(event);
    topologyEvents += 1;
  }
  const topologyMs = performance.now() - topologyStart;
  // Warm-up so the JIT has seen every path, then the measured run.
  for (let i = 0; i < 20_000; i += 1) engine.process(factory.next());
  const events = new Array(THROUGHPUT_EVENTS);
  for (let i = 0; i < THROUGHPUT_EVENTS; i += 1) events[i] = factory.next();
  const latencies = new Float64Array(THROUGHPUT_EVENTS);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < THROUGHPUT_EVENTS; i += 1) {
    const t0 = performance.now();
    engine.process(events[i]);
    latencies[i] = performance.now() - t0;
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const sorted = Float64Array.from(latencies).sort();
  // Where the time goes, per event type: what to profile first when a target is missed.
  const byType = new Map();
  for (let i = 0; i < THROUGHPUT_EVENTS; i += 1) {
    const entry = byType.get(events[i].type) ?? { count: 0, totalMs: 0, maxMs: 0 };
    entry.count += 1;
    entry.totalMs += latencies[i];
    entry.maxMs = Math.max(entry.maxMs, latencies[i]);
    byType.set(events[i].type, entry);
  }
  const slowestTypes = [...byType]
    .sort((a, b) => b[1].totalMs - a[1].totalMs)
    .slice(0, 6)
    .map(([type, entry]) => `${type}: ${entry.count} events, ${Math.round(entry.totalMs)} ms total, mean ${(entry.totalMs / entry.count).toFixed(3)} ms, max ${entry.maxMs.toFixed(1)} ms`);
  return {
    mix,
    pods: DEPLOYMENTS * PODS_PER_DEPLOYMENT,
    topologyEvents,
    topologyMs: Math.round(topologyMs),
    events: THROUGHPUT_EVENTS,
    eventsPerSecond: Math.round(THROUGHPUT_EVENTS / (elapsed / 1000)),
    // On a shared machine the wall clock includes time other processes held the CPU; this is per CPU second of this process.
    eventsPerCpuSecond: Math.round(THROUGHPUT_EVENTS / cpuSeconds),
    loadAverage: os.loadavg()[0].toFixed(1),
    p50Ms: +percentile(sorted, 50).toFixed(4),
    p99Ms: +percentile(sorted, 99).toFixed(4),
    p999Ms: +percentile(sorted, 99.9).toFixed(4),
    maxMs: +sorted[sorted.length - 1].toFixed(2),
    insights: engine.insights().length,
    windowEvents: engine.state.size,
    slowestTypes,
  };
}

const RELOAD_PATTERN = (round) => `apiVersion: behavior.tapio.io/v1
kind: BehaviorPattern
metadata:
  name: bench-reload
spec:
  severity: high
  conditions:
    - field: type
      operator: equals
      value: ${round % 2 === 0 ? 'node_not_ready' : 'pod_evicted'}
  predictions:
    - type: outage
      confidence_base: 0.9
      message: "round ${round}"
`;

async function hotReload(rounds = 20) {
  const dir = await mkdtemp(join(tmpdir(), 'tapio-bench-patterns-'));
  const file = join(dir, 'bench.yaml');
  await writeFile(file, RELOAD_PATTERN(-1));
  const engine = newEngine();
  const source = new DirectoryPatternSource([BUILTIN_PATTERN_DIR, dir]);
  engine.setPatterns((await source.load()).patterns);
  let waiting;
  const stop = await source.watch((set) => {
    engine.setPatterns(set.patterns);
    waiting?.(set);
  });
  const latencies = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      const expected = round % 2 === 0 ? 'node_not_ready' : 'pod_evicted';
      const applied = new Promise((resolve) => {
        waiting = (set) => {
          const pattern = set.patterns.find((item) => item.metadata.name === 'bench-reload');
          if (pattern?.spec.conditions?.[0]?.value === expected) resolve();
        };
      });
      const t0 = performance.now();
      await writeFile(file, RELOAD_PATTERN(round));
      await applied;
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
  } finally {
    await stop();
    await rm(dir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  return { rounds, medianMs: +percentile(latencies, 50).toFixed(1), maxMs: +latencies[latencies.length - 1].toFixed(1), debounceMs: 50 };
}

function memory() {
  if (typeof globalThis.gc !== 'function') return { skipped: 'run with node --expose-gc' };
  globalThis.gc();
  const baseline = process.memoryUsage().heapUsed;
  const engine = newEngine({ maxEvents: MEMORY_EVENTS, windowMs: 24 * 3_600_000 });
  const factory = withMix(new StreamFactory(7), 'steady');
  for (const event of factory.topology()) engine.process(event);
  const started = performance.now();
  for (let i = 0; i < MEMORY_EVENTS; i += 1) engine.process(factory.next());
  const seconds = (performance.now() - started) / 1000;
  globalThis.gc();
  const heap = process.memoryUsage().heapUsed - baseline;
  return { windowEvents: engine.state.size, heapMB: Math.round(heap / 2 ** 20), bytesPerEvent: Math.round(heap / engine.state.size), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20), eventsPerSecond: Math.round(MEMORY_EVENTS / seconds) };
}

const LONG_RUN_EVENTS = Number(process.env.BENCH_LONG_RUN_EVENTS ?? 400_000);

function longRun() {
  if (typeof globalThis.gc !== 'function') return { skipped: 'run with node --expose-gc' };
  const engine = newEngine({ maxEvents: 50_000 });
  const factory = withMix(new StreamFactory(11, 36), 'incident');
  for (const event of factory.topology()) engine.process(event);
  const checkpoints = [];
  for (let i = 1; i <= LONG_RUN_EVENTS; i += 1) {
    engine.process(factory.next());
    if (i % 50_000 === 0) {
      globalThis.gc();
      checkpoints.push({ events: i, heapMB: +(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1), ...engine.memory() });
    }
  }
  const peer = checkpoints.find((checkpoint) => checkpoint.events === 100_000) ?? checkpoints[0];
  const last = checkpoints[checkpoints.length - 1];
  return { events: LONG_RUN_EVENTS, heapRatioToPeer: +(last.heapMB / peer.heapMB).toFixed(3), peer: `heap at ${peer.events} events`, checkpoints };
}

const results = { node: process.version };
if (process.env.BENCH_ONLY === 'long-run') {
  results.longRun = longRun();
  console.log(JSON.stringify(results.longRun, null, 1));
  process.exit(0);
}
// BENCH_ONLY=steady|incident runs one throughput mix and nothing else (for profiling).
const only = process.env.BENCH_ONLY;
if (only !== 'incident') {
  results.throughput = throughput('steady');
  console.log('throughput (steady mix)', results.throughput);
}
if (only !== 'steady') {
  results.incident = throughput('incident');
  console.log('throughput (incident mix)', results.incident);
}
if (only === undefined) {
  results.hotReload = await hotReload();
  console.log('hot reload', results.hotReload);
  results.memory = memory();
  console.log('memory', results.memory);
}
const verdict = only !== undefined ? {} : {
  'events/s >= 100000': results.throughput.eventsPerSecond >= 100_000,
  'events per CPU second >= 100000': results.throughput.eventsPerCpuSecond >= 100_000,
  'p99 < 1 ms': results.throughput.p99Ms < 1,
  'hot reload < 1 s': results.hotReload.maxMs < 1000,
  'heap with 1M events < 1.5 GB': typeof results.memory.heapMB === 'number' ? results.memory.heapMB < 1536 : 'skipped',
};
console.log('targets', verdict);
console.log(JSON.stringify(results));
