import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { PodIdentity, RawEvent, TransformContext } from '@tapio/domain';
import { StaticKubeIndex, UnifiedEvent } from '@tapio/domain';
import { cgroupMounts, readMounts } from '@tapio/ebpf-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsCollector, DnsTransformer } from '../src/index.js';
import { TestDnsServer } from './support/dnsmasq.js';

// A real dnsmasq on loopback, real queries, captured by the cgroup skb programs.

const run = randomBytes(4).toString('hex');
const client = fileURLToPath(new URL('./fixtures/dns-client.mjs', import.meta.url));
const server = new TestDnsServer();
const events: RawEvent[] = [];
const podUid = randomUUID();
const containerId = randomBytes(32).toString('hex');
const pods: PodIdentity[] = [{ namespace: 'shop', name: 'frontend-5d4b5-xyz', uid: podUid, nodeName: 'dns-node', containers: [{ name: 'web', containerId }] }];
let collector: DnsCollector;
const transformer = new DnsTransformer();
const context: TransformContext = { eventId: (raw, discriminator) => `${raw.type}-${discriminator}-${events.indexOf(raw)}`, processedAt: new Date().toISOString(), cluster: 'test' };
const createdCgroups: string[] = [];

async function waitFor(description: string, predicate: (event: RawEvent) => boolean, timeoutMs = 10_000): Promise<RawEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${description} within ${timeoutMs} ms (${events.length} DNS events, stats ${JSON.stringify(collector.statistics())})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const data = (event: RawEvent): Record<string, any> => event.data as Record<string, any>;

function query(protocol: 'udp' | 'tcp', name: string, waitMs = 3000, cgroupDir?: string): Promise<string> {
  const args = cgroupDir
    ? ['sh', ['-c', `echo $$ > ${cgroupDir}/cgroup.procs && exec "${process.execPath}" ${client} ${protocol} ${server.port} ${name} ${waitMs}`]]
    : [process.execPath, [client, protocol, String(server.port), name, String(waitMs)]];
  return promisify(execFile)(args[0] as string, args[1] as string[], { timeout: waitMs + 10_000 }).then(({ stdout }) => stdout);
}

beforeAll(async () => {
  await server.start();
  collector = new DnsCollector({ nodeName: 'dns-node', ports: [server.port], timeoutMs: 1000, slowMs: 2000, pollMs: 20 }, { kubeIndex: new StaticKubeIndex(pods) });
  await collector.start({ emit: async (event) => void events.push(event) });
});

afterAll(async () => {
  await collector?.stop();
  await server.stop();
  for (const dir of createdCgroups.reverse()) rmdirSync(dir);
});

describe('DNS collector on the real kernel', () => {
  it('a lookup answered NXDOMAIN (UDP) becomes dns_failure with the query name', async () => {
    const name = `missing-${run}.nx.tapio.test`;
    expect(await query('udp', name)).toBe('3');
    const raw = await waitFor('NXDOMAIN response', (event) => event.type === 'dns_response' && data(event)['query'] === name);
    expect(data(raw)).toMatchObject({ rcode: 'NXDOMAIN', protocol: 'udp', queryType: 'A', serverIp: '127.0.0.1', serverPort: server.port, attempts: 1 });
    expect(data(raw)['latencyMs']).toBeGreaterThan(0);
    const [event] = transformer.transform(raw, context);
    UnifiedEvent.parse(event);
    expect(event?.type).toBe('dns_failure');
    expect(event?.network).toMatchObject({ dnsQuery: name, dnsRcode: 'NXDOMAIN', dnsType: 'A', protocol: 'UDP' });
    expect(event?.entity?.kind).toBe('Host');
  });

  it('a lookup answered NXDOMAIN over TCP becomes dns_failure too', async () => {
    const name = `tcp-${run}.nx.tapio.test`;
    expect(await query('tcp', name)).toBe('3');
    const raw = await waitFor('NXDOMAIN over TCP', (event) => event.type === 'dns_response' && data(event)['query'] === name);
    expect(data(raw)).toMatchObject({ rcode: 'NXDOMAIN', protocol: 'tcp' });
    expect(transformer.transform(raw, context)[0]?.type).toBe('dns_failure');
  });

  it('a lookup the server never answers becomes dns_timeout', async () => {
    const name = `hang-${run}.silent.tapio.test`;
    expect(await query('udp', name, 1500)).toBe('timeout');
    const raw = await waitFor('timeout', (event) => event.type === 'dns_timeout' && data(event)['query'] === name);
    expect(data(raw)['waitedMs']).toBeGreaterThanOrEqual(1000);
    const [event] = transformer.transform(raw, context);
    UnifiedEvent.parse(event);
    expect(event?.type).toBe('dns_timeout');
    expect(event?.network?.dnsQuery).toBe(name);
  });

  it('a failing lookup from a process in a kubelet pod cgroup is attributed to that pod', async () => {
    const unified = cgroupMounts(readMounts()).unified as string;
    let dir = unified;
    for (const part of [`tapio-dns-${run}`, 'kubepods.slice', 'kubepods-besteffort.slice', `kubepods-besteffort-pod${podUid.replace(/-/g, '_')}.slice`, `cri-containerd-${containerId}.scope`]) {
      dir = join(dir, part);
      mkdirSync(dir);
      createdCgroups.push(dir);
    }
    const name = `frontend-${run}.nx.tapio.test`;
    expect(await query('udp', name, 3000, dir)).toBe('3');
    const raw = await waitFor('NXDOMAIN from the pod', (event) => event.type === 'dns_response' && data(event)['query'] === name);
    expect(data(raw)['workload']).toMatchObject({ kind: 'pod', podUid, containerId, container: 'web', attributedBy: 'cgroup' });
    const [event] = transformer.transform(raw, context);
    expect(event?.entity).toMatchObject({ kind: 'Pod', namespace: 'shop', name: 'frontend-5d4b5-xyz' });
    expect(event?.message).toContain('from pod shop/frontend-5d4b5-xyz');
  });

  it('answers that are fine are counted, not sent; nothing was dropped or malformed', async () => {
    const stats = collector.statistics();
    expect(stats.queries).toBeGreaterThanOrEqual(4);
    expect(stats.responses).toBeGreaterThanOrEqual(3);
    expect(stats.kernelDrops).toBe(0);
    expect(stats.malformed).toBe(0);
    expect(collector.health().status).toBe('ok');
  });
});
