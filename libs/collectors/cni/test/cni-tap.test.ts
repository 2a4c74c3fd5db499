import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter, RawEvent, UnifiedEvent } from '@tapio/plugin-api';
import { CniCollector } from '../src/collector/cni-collector.js';
import { CniTapTransformer } from '../src/transform/cni-transformer.js';

const run = promisify(execFile);
const TAP = fileURLToPath(new URL('../bin/tapio-cni-tap', import.meta.url));
const CNI_BIN = '/usr/lib/cni';
const suffix = randomBytes(3).toString('hex');
const hostNs = `tcni-h-${suffix}`;
const subnet = `10.250.${randomInt(0, 256)}.0/30`;

/** Runs tapio-cni-tap as containerd does: CNI_* variables, the network configuration on stdin, inside our own "host" namespace. */
function cni(config: object, command: 'ADD' | 'DEL', sandbox: string, netns: string, pod: { namespace: string; name: string; uid: string }): Promise<{ code: number; stdout: string }> {
  const env = [
    `PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    `CNI_COMMAND=${command}`,
    `CNI_CONTAINERID=${sandbox}`,
    `CNI_NETNS=/var/run/netns/${netns}`,
    'CNI_IFNAME=eth0',
    `CNI_PATH=${CNI_BIN}`,
    `CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.namespace};K8S_POD_NAME=${pod.name};K8S_POD_INFRA_CONTAINER_ID=${sandbox};K8S_POD_UID=${pod.uid}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', hostNs, 'env', '-i', ...env, TAP], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
    child.stdin.end(JSON.stringify(config));
  });
}

// The real bridge and host-local plugins of the test cluster (Debian's containernetworking-plugins),
// wrapped by tapio-cni-tap as the cluster's conflist would wrap them, in network namespaces of
// this run: a /30 range has one address for pods, so the second pod finds it exhausted.
describe('tapio-cni-tap and the CNI collector on the real bridge CNI', () => {
  let dir: string;
  let config: object;
  const namespaces = [hostNs];
  const events: UnifiedEvent[] = [];
  const letters: DeadLetter[] = [];
  const transformer = new CniTapTransformer();
  const context = { eventId: (raw: RawEvent, discriminator: string) => `${raw.timestamp}-${discriminator}`, processedAt: new Date().toISOString(), cluster: 'lab' };
  const sink = { emit: async (raw: RawEvent) => void events.push(...transformer.transform(raw, context)) };
  const deadLetters = { put: (entry: DeadLetter) => void letters.push(entry), count: () => letters.length, recent: () => letters };
  const pod = (name: string) => ({ namespace: 'shop', name, uid: `uid-${name}` });
  const collectorFor = () => new CniCollector({ spool: join(dir, 'spool', 'cni.ndjson'), offsetFile: join(dir, 'cni.offset'), nodeName: 'node-1', pollMs: 50 }, { deadLetters });
  const until = async (what: string, check: () => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${events.map((event) => event.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('the CNI tests need root (network namespaces, the bridge plugin)');
    for (const plugin of ['bridge', 'host-local']) if (!existsSync(join(CNI_BIN, plugin))) throw new Error(`${CNI_BIN}/${plugin} missing: install Debian's containernetworking-plugins (tools/setup.d/apt-packages.txt)`);
    dir = await mkdtemp(join(tmpdir(), 'tapio-cni-'));
    config = {
      cniVersion: '1.0.0',
      name: 'tapio-test',
      type: 'tapio-cni-tap',
      spool: join(dir, 'spool', 'cni.ndjson'),
      delegate: { type: 'bridge', bridge: `tcb${suffix}`, isGateway: true, ipMasq: false, ipam: { type: 'host-local', dataDir: join(dir, 'ipam'), ranges: [[{ subnet }]] } },
    };
    await run('ip', ['netns', 'add', hostNs]);
    for (const name of ['a', 'b', 'c']) {
      namespaces.push(`tcni-${name}-${suffix}`);
      await run('ip', ['netns', 'add', `tcni-${name}-${suffix}`]);
    }
  });

  afterAll(async () => {
    for (const name of namespaces) await run('ip', ['netns', 'del', name]).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports set-up with interface, IP and gateway, IPAM exhaustion, a missing plugin and tear-down, per pod; passes results through', async () => {
    const collector = collectorFor();
    await collector.start(sink);
    const first = await cni(config, 'ADD', `sb-a-${suffix}`, `tcni-a-${suffix}`, pod('checkout-a'));
    expect(first.code).toBe(0);
    // The runtime gets the bridge plugin's own result.
    const result = JSON.parse(first.stdout) as { ips: Array<{ address: string; gateway: string }> };
    const base = subnet.replace('.0/30', '');
    expect(result.ips[0]).toMatchObject({ address: `${base}.2/30`, gateway: `${base}.1` });

    const second = await cni(config, 'ADD', `sb-b-${suffix}`, `tcni-b-${suffix}`, pod('checkout-b'));
    expect(second.code).not.toBe(0);
    expect(second.stdout).toMatch(/no IP addresses available/);
    const third = await cni({ ...config, delegate: { ...(config as { delegate: object }).delegate, type: 'bridge-typo' } }, 'ADD', `sb-c-${suffix}`, `tcni-c-${suffix}`, pod('checkout-c'));
    expect(third.code).not.toBe(0);
    expect((await cni(config, 'DEL', `sb-a-${suffix}`, `tcni-a-${suffix}`, pod('checkout-a'))).code).toBe(0);

    await until('four CNI events', () => events.length >= 4);
    await collector.stop();
    expect(events.map((event) => [event.type, event.entity?.name])).toEqual([
      ['pod_network_setup', 'checkout-a'],
      ['ip_allocation_failed', 'checkout-b'],
      ['cni_error', 'checkout-c'],
      ['pod_network_teardown', 'checkout-a'],
    ]);
    expect(events[0]).toMatchObject({ entity: { kind: 'Pod', namespace: 'shop' }, k8sContext: { uid: 'uid-checkout-a', nodeName: 'node-1' }, network: { srcIp: `${base}.2` }, application: { fields: { interface: 'eth0', sandbox: `sb-a-${suffix}`, gateway: `${base}.1`, ips: `${base}.2/30` } } });
    expect(events[1]?.message).toMatch(new RegExp(`IPAM range exhausted\\): failed to allocate for range 0: no IP addresses available in range set: ${base.replace(/\./g, '\\.')}\\.1-${base.replace(/\./g, '\\.')}\\.2`));
    expect(events[2]?.application?.fields?.['failure']).toBe('plugin_missing');
  });

  it('a restarted collector resumes after the last line it handed on; a malformed line is dead-lettered and the next one still read', async () => {
    const before = events.length;
    await appendFile(join(dir, 'spool', 'cni.ndjson'), 'this is not json\n');
    const collector = collectorFor();
    await collector.start(sink);
    expect((await cni(config, 'ADD', `sb-b2-${suffix}`, `tcni-c-${suffix}`, pod('checkout-b'))).code).toBe(0);
    await until('the new ADD', () => events.length > before);
    await collector.stop();
    expect(events.slice(before).map((event) => [event.type, event.entity?.name])).toEqual([['pod_network_setup', 'checkout-b']]);
    expect(letters.map((letter) => letter.reason)).toEqual([expect.stringMatching(/^CNI spool line is not JSON/)]);
  });
});
