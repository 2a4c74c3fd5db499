import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentHealth } from '@tapio/domain';
import { silentLogger } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandaloneContainerd } from '../../../tools/containerd/standalone-containerd.mjs';
import { EtcdCluster } from '../../../tools/etcd/etcd-cluster.mjs';
import { StandaloneJournald } from '../../../tools/journald/standalone-journald.mjs';
import { startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { compose, loadConfig, TapioRuntime } from '../src/index.js';

const run = Math.random().toString(36).slice(2, 8);

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One `-mode collectors` agent per node with the journal, CRI (containerd) and etcd
 * collectors, each on its real component: the agent's health names whichever component is
 * unreachable and is ok again by itself once it returns.
 */
describe('the node agent (-mode collectors) with the node-local collectors', () => {
  let dir: string;
  let nats: NatsServerHandle;
  let journald: StandaloneJournald;
  let containerd: StandaloneContainerd;
  let etcd: EtcdCluster;
  let runtime: TapioRuntime | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-agent-'));
    nats = await startNatsServer();
    journald = StandaloneJournald.create();
    await journald.start();
    containerd = StandaloneContainerd.create();
    await containerd.start();
    etcd = await EtcdCluster.start(1);
  });

  afterAll(async () => {
    await runtime?.stop();
    await Promise.all([nats?.stop(), journald?.stop(), containerd?.stop(), etcd?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('is ok with every component up, degraded naming each one that goes away, ok again when it returns', async () => {
    const file = join(dir, 'tapio.yaml');
    await writeFile(
      file,
      [
        'cluster: lab',
        'bus:',
        '  type: nats',
        '  nats:',
        `    servers: ${nats.url}`,
        `    streamPrefix: AGENT${run.toUpperCase()}`,
        `    subjectPrefix: agent${run}`,
        'collectors:',
        '  journal:',
        '    nodeName: node-1',
        `    directory: ${journald.journalDir}`,
        `    journaldSocket: ${journald.varlinkSocket}`,
        '    cursorFile: journal.cursor',
        '    healthIntervalMs: 100',
        '    retryMs: 100',
        '  cri:',
        '    nodeName: node-1',
        `    address: ${containerd.address}`,
        '    retryMs: 100',
        '  etcd:',
        '    nodeName: node-1',
        `    endpoints: [${etcd.endpoints[0]}]`,
        '    intervalMs: 100',
        '',
      ].join('\n'),
    );
    const loaded = await loadConfig(file, {});
    const composition = await compose(loaded, silentLogger);
    expect(composition.pluginFailures).toEqual([]);
    runtime = new TapioRuntime(composition, 'collectors', { cluster: 'lab', busType: 'nats', correlation: loaded.config.correlation, baseDir: loaded.baseDir, watchPatterns: false });
    await runtime.start();
    const agent = runtime;
    const collectors = () => agent.health()['collectors'] as Record<string, ComponentHealth>;
    const statuses = () => Object.fromEntries(['journal', 'cri', 'etcd'].map((id) => [id, collectors()[id]?.status]));

    await waitUntil('all ok', () => Object.values(statuses()).every((status) => status === 'ok'));

    await containerd.kill();
    await waitUntil('cri degraded', () => collectors()['cri']?.status === 'degraded');
    expect(collectors()['cri']?.reason).toContain(`containerd`);
    expect(collectors()['cri']?.reason).toContain(containerd.address);
    expect(statuses()).toMatchObject({ journal: 'ok', etcd: 'ok' });

    const member = etcd.members[0]!;
    await etcd.kill(member);
    await waitUntil('etcd degraded', () => collectors()['etcd']?.status === 'degraded');
    expect(collectors()['etcd']?.reason).toContain(`unreachable at ${etcd.url(member)}`);

    await journald.kill();
    await waitUntil('journal degraded', () => collectors()['journal']?.status === 'degraded');
    expect(collectors()['journal']?.reason).toContain('systemd-journald unreachable');

    await Promise.all([containerd.start(), etcd.restart(member), journald.start()]);
    await waitUntil('all ok again', () => Object.values(statuses()).every((status) => status === 'ok'));
  });
});
