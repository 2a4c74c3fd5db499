import { appendFile, mkdir, mkdtemp, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { ComponentHealth, RawEvent } from '@tapio/domain';
import { silentLogger } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../../libs/collectors/kubeapi/test/support/tcp-proxy.js';
import { StandaloneContainerd } from '../../../tools/containerd/standalone-containerd.mjs';
import { EtcdCluster } from '../../../tools/etcd/etcd-cluster.mjs';
import { StandaloneJournald } from '../../../tools/journald/standalone-journald.mjs';
import { useTestCluster, type TestCluster } from '../../../tools/k8s/test-cluster.mjs';
import { startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { compose, loadConfig, TapioRuntime } from '../src/index.js';
import { kubeletOf, nodeAgentToken } from './support/kubelet-endpoint.js';

const run = Math.random().toString(36).slice(2, 8);

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A tapio-cni-tap spool line, as the wrapper writes it for a pod's network set-up. */
function cniAdd(pod: string): string {
  const result = { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: `/var/run/netns/${pod}` }], ips: [{ address: '10.244.0.9/24', gateway: '10.244.0.1', interface: 0 }] };
  return `${JSON.stringify({ time: new Date().toISOString(), command: 'ADD', network: 'tapio-local', plugin: 'bridge', containerId: `sandbox-${pod}`, netns: `/var/run/netns/${pod}`, ifName: 'eth0', pod: { namespace: 'shop', name: pod, uid: `uid-${pod}` }, durationMs: 40, exitCode: 0, result })}\n`;
}

/**
 * One `-mode collectors` agent per node with the journal, CRI (containerd), etcd, kubelet and
 * CNI collectors, each on its real component (the kubelet of the test cluster, behind a TCP
 * proxy this test can cut): the agent's health names whichever component is unreachable and
 * is ok again by itself once it returns, and what the components report after their return
 * reaches the bus, without losing or repeating what was accepted before.
 */
describe('the node agent (-mode collectors) with the node-local collectors', () => {
  let dir: string;
  let nats: NatsServerHandle;
  let journald: StandaloneJournald;
  let containerd: StandaloneContainerd;
  let etcd: EtcdCluster;
  let cluster: TestCluster;
  let kubeletProxy: TcpProxy;
  let runtime: TapioRuntime | undefined;
  const streamPrefix = `AGENT${run.toUpperCase()}`;
  const ns = `agent-${run}`;

  /** Every RawEvent of a source the agent has put on the bus, oldest first. */
  async function published(source: string): Promise<RawEvent[]> {
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const name = `${streamPrefix}_RAW`;
      const info = await jsm.streams.info(name);
      const events: RawEvent[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
        const stored = await jsm.streams.getMessage(name, { seq }).catch(() => undefined);
        if (!stored) continue;
        // A message is one RawEvent, or a batch envelope of several ({ v: 1, events: [{ id, headers, body }] }).
        const value = JSON.parse(new TextDecoder().decode(stored.data)) as RawEvent | { v: 1; events: Array<{ body: RawEvent }> };
        const bodies = 'events' in value && Array.isArray(value.events) ? value.events.map((member) => member.body) : [value as RawEvent];
        for (const event of bodies) if (event.source === source) events.push(event);
      }
      return events;
    } finally {
      await nc.close();
    }
  }

  async function waitForEvents(what: string, source: string, condition: (events: RawEvent[]) => boolean, timeoutMs = 60_000): Promise<RawEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await published(source);
      if (condition(events)) return events;
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms (${events.length} ${source} events on the bus)`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-agent-'));
    nats = await startNatsServer();
    journald = StandaloneJournald.create();
    await journald.start();
    containerd = StandaloneContainerd.create();
    await containerd.start();
    etcd = await EtcdCluster.start(1);
    cluster = await useTestCluster();
    const kubelet = await kubeletOf(cluster);
    await writeFile(join(dir, 'node-agent.token'), await nodeAgentToken(cluster, ROOT), { mode: 0o600 });
    kubeletProxy = new TcpProxy(kubelet.port, kubelet.host);
    await kubeletProxy.start();
    await mkdir(join(dir, 'cni'));
    const file = join(dir, 'tapio.yaml');
    await writeFile(
      file,
      [
        'cluster: lab',
        'bus:',
        '  type: nats',
        '  nats:',
        `    servers: ${nats.url}`,
        `    streamPrefix: ${streamPrefix}`,
        `    subjectPrefix: agent${run}`,
        'collectors:',
        '  journal:',
        '    nodeName: node-1',
        `    directory: ${journald.journalDir}`,
        `    journaldSocket: ${journald.varlinkSocket}`,
        '    cursorFile: journal.cursor',
        '    healthIntervalMs: 100',
        '    retryMs: 100',
        '    circuit: { failures: 2, halfOpenAfterMs: 1000 }',
        '  cri:',
        '    nodeName: node-1',
        `    address: ${containerd.address}`,
        '    retryMs: 100',
        '    circuit: { failures: 2, halfOpenAfterMs: 1000 }',
        '  etcd:',
        '    nodeName: node-1',
        `    endpoints: [${etcd.endpoints[0]}]`,
        '    intervalMs: 100',
        '    circuit: { failures: 2, halfOpenAfterMs: 1000 }',
        '  kubelet:',
        `    endpoint: https://127.0.0.1:${kubeletProxy.port}`,
        `    nodeName: ${kubelet.node}`,
        `    auth: { tokenFile: ${join(dir, 'node-agent.token')} }`,
        `    tls: { ca: ${kubelet.ca}, serverName: ${kubelet.node} }`,
        '    intervalMs: 500',
        '    circuit: { failures: 2, halfOpenAfterMs: 3000 }',
        '  cni:',
        `    nodeName: ${kubelet.node}`,
        `    spool: ${join(dir, 'cni', 'cni.ndjson')}`,
        '    offsetFile: cni.offset',
        '    pollMs: 100',
        '    circuit: { failures: 2, halfOpenAfterMs: 1000 }',
        '',
      ].join('\n'),
    );
    const loaded = await loadConfig(file, {});
    const composition = await compose(loaded, silentLogger);
    expect(composition.pluginFailures).toEqual([]);
    runtime = new TapioRuntime(composition, 'collectors', { cluster: 'lab', busType: 'nats', correlation: loaded.config.correlation, baseDir: loaded.baseDir, watchPatterns: false });
    await runtime.start();
  }, 180_000);

  afterAll(async () => {
    await runtime?.stop();
    await kubeletProxy?.stop();
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    await Promise.all([nats?.stop(), journald?.stop(), containerd?.stop(), etcd?.stop()]);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  const collectors = () => (runtime as TapioRuntime).health()['collectors'] as Record<string, ComponentHealth>;
  const statuses = () => Object.fromEntries(['journal', 'cri', 'etcd', 'kubelet', 'cni'].map((id) => [id, collectors()[id]?.status]));

  it('is ok with every component up, degraded naming each one that goes away, ok again when it returns', async () => {
    await waitUntil('all ok', () => Object.values(statuses()).every((status) => status === 'ok'));

    await containerd.kill();
    await waitUntil('cri degraded', () => collectors()['cri']?.status === 'degraded');
    expect(collectors()['cri']?.reason).toContain(`containerd`);
    expect(collectors()['cri']?.reason).toContain(containerd.address);
    await waitUntil('the cri circuit open', () => collectors()['cri']?.details?.['circuitState'] === 'open');
    expect(statuses()).toMatchObject({ journal: 'ok', etcd: 'ok' });

    const member = etcd.members[0]!;
    await etcd.kill(member);
    await waitUntil('etcd degraded', () => collectors()['etcd']?.status === 'degraded');
    expect(collectors()['etcd']?.reason).toContain(`unreachable at ${etcd.url(member)}`);
    await waitUntil('the etcd circuit open', () => collectors()['etcd']?.details?.['circuitState'] === 'open');
    expect(collectors()['etcd']?.reason).toMatch(/; circuit collector:etcd open since .*: polls paused/);

    await journald.kill();
    await waitUntil('journal degraded', () => collectors()['journal']?.status === 'degraded');
    expect(collectors()['journal']?.reason).toContain('systemd-journald unreachable');

    await Promise.all([containerd.start(), etcd.restart(member), journald.start()]);
    await waitUntil('all ok again', () => Object.values(statuses()).every((status) => status === 'ok'));
    expect(collectors()['etcd']?.details).toMatchObject({ circuitState: 'closed' });
    expect(Number(collectors()['etcd']?.details?.['circuitOpened'])).toBeGreaterThanOrEqual(1);
    expect(collectors()['cri']?.details).toMatchObject({ circuitState: 'closed' });
    expect(Number(collectors()['cri']?.details?.['circuitOpened'])).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('kubelet unreachable: degraded naming it; a pod started meanwhile is reported once it answers again', async () => {
    await waitUntil('kubelet ok', () => collectors()['kubelet']?.status === 'ok', 30_000);
    await waitForEvents('the first kubelet poll on the bus', 'kubelet_api', (events) => events.length > 0);
    await kubeletProxy.cut();
    await waitUntil('kubelet degraded', () => collectors()['kubelet']?.status === 'degraded');
    expect(collectors()['kubelet']?.reason).toContain(`kubelet of node tapio-node at https://127.0.0.1:${kubeletProxy.port}`);
    // A poll in flight when the proxy is cut is reset ("socket hang up"); the ones after it are refused.
    expect(collectors()['kubelet']?.reason).toMatch(/ECONNREFUSED|ECONNRESET/);
    expect(statuses()).toMatchObject({ journal: 'ok', cri: 'ok', etcd: 'ok', cni: 'ok' });
    // Two failed polls open the circuit: the kubelet is not asked again every 500 ms.
    await waitUntil('the kubelet circuit open', () => collectors()['kubelet']?.details?.['circuitState'] === 'open');
    expect(collectors()['kubelet']?.reason).toMatch(/; circuit collector:kubelet open since .*: polls paused, next try in \d s$/);
    const refused = Number(collectors()['kubelet']?.details?.['circuitRefused']);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(Number(collectors()['kubelet']?.details?.['circuitRefused'])).toBeGreaterThan(refused);

    // A pod that starts while the agent cannot reach the kubelet.
    await cluster.kubectl(['create', 'namespace', ns]);
    await cluster.kubectl(['-n', ns, 'run', 'late', '--image=tapio.local/busybox:3', '--image-pull-policy=Never', '--restart=Never', '--command', '--', '/bin/sh', '-c', 'sleep 600']);
    await cluster.kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod/late', '--timeout=90s'], { timeoutMs: 100_000 });
    expect(collectors()['kubelet']?.status).toBe('degraded');

    await kubeletProxy.restore();
    await waitUntil('kubelet ok again', () => collectors()['kubelet']?.status === 'ok', 30_000);
    expect(collectors()['kubelet']?.details).toMatchObject({ circuitState: 'closed' });
    expect(Number(collectors()['kubelet']?.details?.['circuitOpened'])).toBeGreaterThanOrEqual(1);
    const events = await waitForEvents(`usage of ${ns}/late`, 'kubelet_api', (all) => all.some((event) => (event.data as { pod?: { namespace?: string } }).pod?.namespace === ns));
    const late = events.filter((event) => (event.data as { pod?: { namespace?: string } }).pod?.namespace === ns);
    expect(late.map((event) => event.type)).toContain('container_usage');
    expect(late[0]?.metadata).toMatchObject({ node: 'tapio-node', cluster: 'lab' });
  }, 240_000);

  it('CNI spool unreadable (a directory in its place): degraded naming it; lines written meanwhile are read once it is back, none repeated', async () => {
    const spool = join(dir, 'cni', 'cni.ndjson');
    await appendFile(spool, cniAdd('before-1') + cniAdd('before-2'));
    await waitForEvents('the first two CNI lines on the bus', 'cni_tap', (events) => events.length === 2);
    expect(collectors()['cni']?.status).toBe('ok');

    // A hostPath mounted before the file existed becomes a directory: the collector is blind.
    await rename(spool, `${spool}.moved`);
    await mkdir(spool);
    await waitUntil('cni degraded', () => collectors()['cni']?.status === 'degraded');
    expect(collectors()['cni']?.reason).toContain(`CNI spool ${spool} not readable`);
    await waitUntil('the CNI circuit open', () => collectors()['cni']?.details?.['circuitState'] === 'open');
    expect(statuses()).toMatchObject({ journal: 'ok', cri: 'ok', etcd: 'ok' });
    await appendFile(`${spool}.moved`, cniAdd('during-1') + cniAdd('during-2'));

    await rmdir(spool);
    await rename(`${spool}.moved`, spool);
    await waitUntil('cni ok again', () => collectors()['cni']?.status === 'ok');
    expect(collectors()['cni']?.details).toMatchObject({ circuitState: 'closed' });
    expect(Number(collectors()['cni']?.details?.['circuitOpened'])).toBeGreaterThanOrEqual(1);
    await appendFile(spool, cniAdd('after-1'));
    const events = await waitForEvents('the five CNI lines on the bus', 'cni_tap', (all) => all.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pods = (await published('cni_tap')).map((event) => (event.data as { pod: { name: string } }).pod.name);
    expect(pods).toEqual(['before-1', 'before-2', 'during-1', 'during-2', 'after-1']);
    expect(events[0]?.metadata).toMatchObject({ node: 'tapio-node', cluster: 'lab' });
    expect((await readFile(join(dir, 'cni.offset'), 'utf8')).trim()).toBe(String((await readFile(spool)).length));
  }, 120_000);
});
