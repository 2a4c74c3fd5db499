import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { PodIdentity, RawEvent, TransformContext, UnifiedEvent } from '@tapio/domain';
import { CollectingRawEventSink, StaticKubeIndex, UnifiedEvent as UnifiedEventSchema } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGGREGATE_SLOTS, KernelCollector, KernelTransformer } from '../src/index.js';
import { dataOf } from './support/collecting-sink.js';
import { run } from './support/processes.js';
import { TestCgroups } from './support/test-cgroups.js';

// Real kernel, real events: each test makes something happen and waits for the
// collector to report it from the kernel's tracepoints.

const runId = randomBytes(4).toString('hex');
const cgroups = new TestCgroups();

const systemdPodUid = randomUUID();
const systemdContainerId = randomBytes(32).toString('hex');
const cgroupfsPodUid = randomUUID();
const cgroupfsContainerId = randomBytes(32).toString('hex');
const fixturePods: PodIdentity[] = [
  {
    namespace: 'shop',
    name: 'cart-7d9f8-abcde',
    uid: systemdPodUid,
    nodeName: 'test-node',
    labels: { app: 'cart' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-7d9f8', uid: randomUUID(), controller: true }],
    containers: [{ name: 'app', containerId: systemdContainerId }],
  },
  { namespace: 'billing', name: 'invoicer-0', uid: cgroupfsPodUid, nodeName: 'test-node', containers: [{ name: 'worker', containerId: cgroupfsContainerId }] },
];

const sink = new CollectingRawEventSink();
const collector = new KernelCollector({ nodeName: 'test-node', pollMs: 20, retransmitThreshold: 2 }, { kubeIndex: new StaticKubeIndex(fixturePods) });
const transformer = new KernelTransformer();
const context: TransformContext = { eventId: (raw, discriminator) => `${raw.type}-${dataOf(raw)['bootNs']}-${discriminator}`, processedAt: new Date().toISOString(), cluster: 'test' };

function unified(raw: RawEvent): UnifiedEvent[] {
  const events = transformer.transform(raw, context);
  for (const event of events) UnifiedEventSchema.parse(event);
  return events;
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A failed connection of `pid` to `port`. The probes see the whole machine, and a port
 * closed here is free for any process: under a full test run another test's client, its
 * server just killed, can be refused on the same port number (a tcp_close of its own).
 */
function failureOf(pid: number | undefined, port: number): (event: RawEvent) => boolean {
  return (event) => (event.type === 'tcp_close' || event.type === 'connect_error') && dataOf(event)['socket'].dstPort === port && dataOf(event)['process']?.pid === pid;
}

beforeAll(async () => {
  await collector.start(sink);
});

afterAll(async () => {
  await collector.stop();
  cgroups.removeAll();
});

describe('kernel collector on the real kernel', () => {
  it('reports an OOM kill inside a small memory cgroup with the victim pid and its memory cgroup', async () => {
    const relative = `tapio-test-oom-${runId}`;
    const memory = cgroups.memoryLimited(relative, 32 * 1024 * 1024);
    // `tail /dev/zero` reads one endless line into memory until the cgroup's OOM killer takes it.
    const victim = await run('sh', ['-c', `echo $$ > ${memory.path}/cgroup.procs && exec tail /dev/zero`]);
    expect(victim.signal).toBe('SIGKILL');

    const raw = await sink.waitFor('oom_victim event', (event) => event.type === 'oom_victim' && dataOf(event)['process'].pid === victim.pid);
    const data = dataOf(raw);
    expect(data['process'].comm).toBe('tail');
    expect(data['workload'].memoryCgroupPath).toBe(memory.hierarchyPath);
    expect(data['rssBytes']).toBeGreaterThan(8 * 1024 * 1024);

    const [event] = unified(raw);
    expect(event?.type).toBe('oom_kill');
    expect(event?.kernel?.pid).toBe(victim.pid);
    expect(event?.kernel?.memoryCgroup).toBe(memory.hierarchyPath);
    expect(event?.kernel?.rssBytes).toBe(data['rssBytes']);
    expect(event?.entity?.kind).toBe('Host');

    // The victim's exit follows, killed by SIGKILL from the OOM killer (the kernel).
    const exit = await sink.waitFor('exit of the OOM victim', (event) => event.type === 'process_exit' && dataOf(event)['process'].pid === victim.pid);
    expect(dataOf(exit)['signal']).toBe(9);
  });

  it('reports connect() to a closed loopback port as connection_refused with the calling pid (non-blocking connect)', async () => {
    const port = await closedLoopbackPort();
    const caller = await run(process.execPath, ['-e', `require('net').connect(${port}, '127.0.0.1').on('error', (e) => process.exit(e.code === 'ECONNREFUSED' ? 0 : 1))`]);
    expect(caller.code).toBe(0);

    const matches = failureOf(caller.pid, port);
    const raw = await sink.waitFor('connection failure', matches);
    expect(dataOf(raw)['process'].pid).toBe(caller.pid);
    expect(dataOf(raw)['errnoName']).toBe('ECONNREFUSED');
    const [event] = unified(raw);
    expect(event?.type).toBe('connection_refused');
    expect(event?.kernel?.pid).toBe(caller.pid);
    expect(event?.network).toMatchObject({ protocol: 'TCP', dstIp: '127.0.0.1', dstPort: port, errnoName: 'ECONNREFUSED' });
    // One failure, one event.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.matching(matches)).toHaveLength(1);
  });

  it('reports a blocking connect() refused at syscall exit, once, with the calling pid', async () => {
    const port = await closedLoopbackPort();
    const caller = await run('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
    expect(caller.code).not.toBe(0);

    const matches = failureOf(caller.pid, port);
    const raw = await sink.waitFor('connect() error', matches);
    expect(raw.type, JSON.stringify(raw.data)).toBe('connect_error');
    expect(dataOf(raw)['process']).toMatchObject({ pid: caller.pid, comm: 'bash' });
    const [event] = unified(raw);
    expect(event?.type).toBe('connection_refused');
    expect(event?.network?.state).toBe('connect()');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.matching(matches)).toHaveLength(1);
  });

  // A private network namespace whose only route leads to a veth with its peer down:
  // with a static neighbour the SYNs leave and vanish (retransmissions, then ETIMEDOUT);
  // without one, neighbour resolution fails (EHOSTUNREACH). No packet leaves the namespace.
  const isolated = (neighbour: boolean, port: number): string[] => [
    '-n', 'sh', '-c',
    [
      'ip link set lo up',
      'ip link add v0 type veth peer name v1',
      'ip addr add 192.0.2.1/24 dev v0',
      'ip link set v0 up',
      ...(neighbour ? ['ip neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent'] : []),
      'sysctl -qw net.ipv4.tcp_syn_retries=2',
      `exec bash -c "exec 3<>/dev/tcp/192.0.2.${neighbour ? 2 : 3}/${port}"`,
    ].join(' && '),
  ];

  it('reports an unanswered connect as connection_timeout and its SYN retransmissions as tcp_retransmits_high; an unresolvable peer as network_unreachable', async () => {
    const [timedOut, unreachable] = await Promise.all([run('unshare', isolated(true, 8080)), run('unshare', isolated(false, 8081))]);
    expect(timedOut.stderr).toContain('timed out');
    expect(unreachable.stderr).toContain('No route to host');

    const timeout = await sink.waitFor('connect timeout', (event) => event.type === 'connect_error' && dataOf(event)['socket'].dstPort === 8080 && dataOf(event)['process'].pid === timedOut.pid);
    expect(unified(timeout)[0]).toMatchObject({ type: 'connection_timeout', network: { dstIp: '192.0.2.2', dstPort: 8080, errnoName: 'ETIMEDOUT' } });

    const retransmits = await sink.waitFor('final retransmission report', (event) => event.type === 'tcp_retransmits' && dataOf(event)['socket'].dstPort === 8080 && dataOf(event)['final'] === true);
    expect(dataOf(retransmits)['retransmits']).toBeGreaterThanOrEqual(2);
    expect(dataOf(retransmits)['process'].pid).toBe(timedOut.pid);
    const [high] = unified(retransmits);
    expect(high?.type).toBe('tcp_retransmits_high');
    expect(high?.network?.retransmits).toBe(dataOf(retransmits)['retransmits']);

    const unreach = await sink.waitFor('host unreachable', (event) => event.type === 'connect_error' && dataOf(event)['socket'].dstPort === 8081);
    expect(dataOf(unreach)['process'].pid).toBe(unreachable.pid);
    expect(unified(unreach)[0]).toMatchObject({ type: 'network_unreachable', network: { dstIp: '192.0.2.3', errnoName: 'EHOSTUNREACH' } });
  });

  it('reports a reset of an established connection as connection_reset, with the process that connected', async () => {
    const server = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const caller = await run(process.execPath, ['-e', `const s = require('net').connect(${port}, '127.0.0.1'); s.on('error', (e) => process.exit(e.code === 'ECONNRESET' ? 0 : 1)); setTimeout(() => process.exit(2), 5000)`]);
      expect(caller.code).toBe(0);
      const raw = await sink.waitFor('reset', (event) => event.type === 'tcp_close' && dataOf(event)['socket'].dstPort === port && dataOf(event)['errnoName'] === 'ECONNRESET');
      expect(dataOf(raw)).toMatchObject({ oldState: 'ESTABLISHED', newState: 'CLOSE' });
      expect(dataOf(raw)['process'].pid).toBe(caller.pid);
      expect(unified(raw)[0]).toMatchObject({ type: 'connection_reset', network: { dstIp: '127.0.0.1', dstPort: port, state: 'ESTABLISHED->CLOSE' } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports a process killed by SIGSEGV as process_crashed with the signal', async () => {
    const crashed = await run('sh', ['-c', 'kill -SEGV $$']);
    expect(crashed.signal).toBe('SIGSEGV');
    const raw = await sink.waitFor('exit by SIGSEGV', (event) => event.type === 'process_exit' && dataOf(event)['process'].pid === crashed.pid);
    expect(dataOf(raw)).toMatchObject({ signal: 11, signalName: 'SIGSEGV' });
    const [event] = unified(raw);
    expect(event?.type).toBe('process_crashed');
    expect(event?.severity).toBe('high');
    expect(event?.kernel).toMatchObject({ pid: crashed.pid, signal: 11, signalName: 'SIGSEGV', comm: 'sh' });
  });

  it('names who sent the SIGKILL that ended a process', async () => {
    const sleeper = run('sleep', ['30']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await run('sh', ['-c', 'pkill -KILL -n -x sleep -P ' + process.pid]);
    const finished = await sleeper;
    expect(finished.signal).toBe('SIGKILL');
    const raw = await sink.waitFor('exit by SIGKILL', (event) => event.type === 'process_exit' && dataOf(event)['process'].pid === finished.pid);
    expect(dataOf(raw)['signalSender']).toMatchObject({ comm: 'pkill', code: 'SI_USER' });
    const [event] = unified(raw);
    expect(event?.type).toBe('process_exit');
    expect(event?.message).toContain('was killed: SIGKILL from pkill');
  });

  it('attributes a process in a kubelet-style systemd pod cgroup (cgroup v2) to the pod from the Kubernetes index', async () => {
    const uidPart = systemdPodUid.replace(/-/g, '_');
    const relative = `tapio-test-${runId}/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uidPart}.slice/cri-containerd-${systemdContainerId}.scope`;
    const path = cgroups.create(cgroups.requireUnified(), relative);
    const inPod = await run('sh', ['-c', `echo $$ > ${path}/cgroup.procs && exit 3`]);
    expect(inPod.code).toBe(3);

    const raw = await sink.waitFor('exit inside the pod cgroup', (event) => event.type === 'process_exit' && dataOf(event)['process'].pid === inPod.pid);
    expect(dataOf(raw)['workload']).toMatchObject({ kind: 'pod', podUid: systemdPodUid, containerId: systemdContainerId, container: 'app', qosClass: 'burstable', cgroupPath: `/${relative}` });
    const [event] = unified(raw);
    expect(event?.entity).toMatchObject({ kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8-abcde', uid: systemdPodUid });
    expect(event?.k8sContext).toMatchObject({ kind: 'Pod', namespace: 'shop', name: 'cart-7d9f8-abcde', labels: { app: 'cart' } });
    expect(event?.kernel).toMatchObject({ pid: inPod.pid, exitCode: 3, podUid: systemdPodUid, containerId: systemdContainerId });
  });

  it('attributes a process in a cgroupfs-driver pod cgroup (kubepods/burstable/pod<uid>/<id>) to the pod', async () => {
    const relative = `tapio-test-${runId}-fs/kubepods/burstable/pod${cgroupfsPodUid}/${cgroupfsContainerId}`;
    const hierarchy = cgroups.mounts.memoryV1 ?? cgroups.requireUnified();
    const path = cgroups.create(hierarchy, relative);
    const inPod = await run('sh', ['-c', `echo $$ > ${path}/cgroup.procs && kill -ABRT $$`]);
    expect(inPod.signal).toBe('SIGABRT');

    const raw = await sink.waitFor('crash inside the pod cgroup', (event) => event.type === 'process_exit' && dataOf(event)['process'].pid === inPod.pid);
    expect(dataOf(raw)['workload']).toMatchObject({ kind: 'pod', podUid: cgroupfsPodUid, containerId: cgroupfsContainerId, container: 'worker' });
    const [event] = unified(raw);
    expect(event?.type).toBe('process_crashed');
    expect(event?.entity).toMatchObject({ kind: 'Pod', namespace: 'billing', name: 'invoicer-0' });
  });

  it('labels host processes as the host, and counts clean exits in the kernel instead of sending them', async () => {
    const before = collector.counters()?.total(AGGREGATE_SLOTS['exit_clean'] as number) ?? 0n;
    const clean = await run('true', []);
    const failing = await run('sh', ['-c', 'exit 7']);
    const raw = await sink.waitFor('non-zero exit', (event) => event.type === 'process_exit' && dataOf(event)['process'].pid === failing.pid);
    const [event] = unified(raw);
    expect(event?.entity).toMatchObject({ kind: 'Host', name: 'test-node' });
    expect(event?.severity).toBe('low');
    expect(sink.matching((event) => event.type === 'process_exit' && dataOf(event)['process'].pid === clean.pid)).toHaveLength(0);
    const after = collector.counters()?.total(AGGREGATE_SLOTS['exit_clean'] as number) ?? 0n;
    expect(after).toBeGreaterThan(before);
  });

  it('reports health with no drops and no malformed records', () => {
    const health = collector.health();
    expect(health.status).toBe('ok');
    expect(health.details).toMatchObject({ malformed: 0, kernelDrops: 0, queueDrops: 0 });
  });
});
