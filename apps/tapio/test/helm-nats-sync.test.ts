import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { goTool, goToolVersion } from '../../../tools/go-tools/go-tools.mjs';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { CHART, render, renderText, ROOT, type K8sObject } from './support/helm-chart.js';

const run = promisify(execFile);

// The chart's NATS: its server configuration syncs every write by default (nats.syncInterval
// always), a duration chooses the fast mode, and each rendered file is loaded into the
// nats-server the image carries (built from its Go module) to show the server takes it.
// helm template only: no cluster needed (helm-install.test.ts installs the image for real).

interface Varz {
  jetstream?: { config?: { sync_interval?: number; sync_always?: boolean } };
}

const servers: NatsServerHandle[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

async function natsOf(values: object): Promise<{ config: string; checksum: string; image: string }> {
  const objects = await render(values);
  const configMap = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'tapio-nats');
  const statefulSet = objects.find((object) => object.kind === 'StatefulSet' && object.metadata.name === 'tapio-nats') as (K8sObject & { spec: { template: { metadata: { annotations: Record<string, string> }; spec: { containers: Array<{ image: string }> } } } }) | undefined;
  const config = configMap?.data?.['nats-server.conf'];
  if (!config || !statefulSet) throw new Error('the chart rendered no tapio-nats ConfigMap with nats-server.conf, or no tapio-nats StatefulSet');
  const pod = statefulSet.spec.template;
  return { config, checksum: pod.metadata.annotations['checksum/config'] as string, image: pod.spec.containers[0]?.image as string };
}

/** The rendered configuration in the image's nats-server (store_dir and ports of this run, loopback): its /varz. */
async function loaded(config: string): Promise<Varz> {
  const monitor = await freePort();
  const server = await startNatsServer({
    binary: goTool('nats-server'),
    baseConfig: (storeDir) => config.replace(/^(\s*)store_dir:.*$/m, `$1store_dir: ${JSON.stringify(storeDir)}`),
    // The flags override the file's fixed client and monitoring ports.
    args: ['-m', String(monitor)],
  });
  servers.push(server);
  expect(server.log()).toContain(`Starting http monitor on 127.0.0.1:${monitor}`);
  return (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as Varz;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the chart\'s NATS storage sync (deploy/helm/tapio, nats.syncInterval)', () => {
  it('syncs every write by default: sync_interval "always" in the ConfigMap, taken by the server', async () => {
    const safe = await natsOf({});
    expect(safe.config).toMatch(/^\s*sync_interval: "always"$/m);
    expect((await loaded(safe.config)).jetstream?.config?.sync_always).toBe(true);
  });

  it('syncs on a period, never before acknowledging, when the fast mode is chosen', async () => {
    const fast = await natsOf({ nats: { syncInterval: '2m' } });
    expect(fast.config).not.toMatch(/sync_interval:\s*"?always/);
    expect(fast.config).toMatch(/^\s*sync_interval: "2m"$/m);
    const varz = await loaded(fast.config);
    expect(varz.jetstream?.config?.sync_always).toBeUndefined();
    // Two minutes (quoted: unquoted, NATS would read 2m as 2,000,000 seconds).
    expect(varz.jetstream?.config?.sync_interval).toBe(120e9);
  });

  it('restarts NATS when any of its configuration changes: the checksum covers the whole file', async () => {
    const safe = await natsOf({});
    const fast = await natsOf({ nats: { syncInterval: '10s' } });
    const smaller = await natsOf({ nats: { maxFileStore: '4G' } });
    for (const rendered of [safe, fast, smaller]) expect(rendered.checksum).toBe(sha256(rendered.config.replace(/\n$/, '')));
    expect(new Set([safe.checksum, fast.checksum, smaller.checksum]).size).toBe(3);
  });

  it('refuses a sync interval that is neither always nor a duration, saying where', async () => {
    await expect(renderText({ nats: { syncInterval: '2 minutes' } })).rejects.toThrow(/nats\/syncInterval.*does not match/);
    await expect(renderText({ nats: { syncInterval: '' } })).rejects.toThrow(/nats\/syncInterval/);
  });

  it('runs the image tools/image/nats.sh builds from the pinned nats-server, tagged with its version', async () => {
    const version = goToolVersion('nats-server');
    const values = parse(await readFile(join(CHART, 'values.yaml'), 'utf8')) as { nats: { image: { repository: string; tag: string } } };
    expect(values.nats.image.tag).toBe(version);
    const built = await run('bash', [join(ROOT, 'tools/image/nats.sh')], { timeout: 300_000 });
    expect(built.stdout).toMatch(new RegExp(`^image=${values.nats.image.repository}:${version.replaceAll('.', '\\.')}$`, 'm'));
    expect((await natsOf({})).image).toBe(`${values.nats.image.repository}:${version}`);
  }, 300_000);
});
