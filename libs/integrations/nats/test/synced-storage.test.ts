// deploy/nats-server.conf loaded into a real nats-server that understands it: the one built
// from its Go module (NATS_SERVER_VERSION; Debian's 2.9.10, which the other NATS tests run,
// refuses `sync_interval`). Shows the server took `sync_interval: always` and that Tapio's bus
// loses and doubles nothing on it across kill -9 (docs/reliability.md, "Storage: the fsync trade-off").
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { MemoryDeadLetters } from '@tapio/domain';
import { goTool, goToolVersion } from '../../../../tools/go-tools/go-tools.mjs';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus, type NatsBusOptionsInput } from '../src/index.js';
import { publishPodEvents, waitFor } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DEPLOY_CONFIG = readFileSync(join(ROOT, 'deploy/nats-server.conf'), 'utf8');

interface Varz {
  version: string;
  host: string;
  http_host: string;
  jetstream?: { config?: { store_dir?: string; sync_interval?: number; sync_always?: boolean } };
}

const servers: NatsServerHandle[] = [];
const buses: NatsEventBus[] = [];

/** A deployment file as shipped, its store_dir pointed at the run's temporary folder. */
function pointedAt(text: string): (storeDir: string) => string {
  return (storeDir) => {
    const rewritten = text.replace(/^(\s*)store_dir:.*$/m, `$1store_dir: ${JSON.stringify(storeDir)}`);
    if (rewritten === text) throw new Error('the NATS configuration has no store_dir line to point at a temporary folder');
    return rewritten;
  };
}

/** The Go-built nats-server on loopback with this configuration and its monitoring port. */
async function goServer(config: string): Promise<{ nats: NatsServerHandle; varz: () => Promise<Varz> }> {
  const monitor = await freePort();
  const nats = await startNatsServer({ binary: goTool('nats-server'), baseConfig: pointedAt(config), args: ['-m', String(monitor)] });
  servers.push(nats);
  const varz = async () => (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as Varz;
  return { nats, varz };
}

function bus(url: string, options: NatsBusOptionsInput = {}): NatsEventBus {
  const created = new NatsEventBus(
    {
      servers: url,
      connect: { initialDelay: '100ms', maxDelay: '500ms', timeout: '1s' },
      consume: { ackWait: '2s', retryDelay: '50ms', shutdownGrace: '500ms' },
      ...options,
    },
    { deadLetters: new MemoryDeadLetters() },
  );
  buses.push(created);
  return created;
}

/**
 * The fsync-family calls `pid` (every thread) makes while `work` runs, counted by strace
 * (Debian package strace, tools/setup.d/apt-packages.txt).
 */
async function syncCallsDuring(pid: number, work: () => Promise<void>): Promise<number> {
  const out = join(tmpdir(), `tapio-nats-strace-${randomBytes(4).toString('hex')}`);
  const tracer = spawn('strace', ['-f', '-e', 'trace=fsync,fdatasync,sync_file_range', '-e', 'signal=none', '-o', out, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  tracer.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => tracer.once('close', () => resolve()));
  const failed = new Promise<never>((_, reject) => tracer.once('error', (error) => reject(new Error(`strace (Debian package strace) cannot run: ${error.message}`))));
  try {
    // -f attaches to the process's threads one by one: wait until it says so for them all.
    await Promise.race([failed, waitFor(`strace to attach to nats-server ${pid}`, () => /attached/.test(stderr), 10_000)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (tracer.exitCode !== null) throw new Error(`strace exited: ${stderr}`);
    await work();
  } finally {
    tracer.kill('SIGINT');
    await exited;
  }
  const trace = await readFile(out, 'utf8');
  await rm(out, { force: true });
  return trace.split('\n').filter((line) => /\b(fsync|fdatasync|sync_file_range)\(/.test(line)).length;
}

/** A file stream of its own on the server (made before counting: only publishes are counted). */
async function fileStream(url: string): Promise<string> {
  const nc = await connect({ servers: url });
  try {
    const name = `SYNC_${randomBytes(3).toString('hex')}`;
    await (await jetstreamManager(nc)).streams.add({ name, subjects: [`${name}.>`], storage: StorageType.File });
    return name;
  } finally {
    await nc.close();
  }
}

/** Publishes `count` messages one after another, each acknowledged before the next is sent. */
async function publishOneByOne(url: string, stream: string, count: number): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const js = jetstream(nc);
    for (let n = 0; n < count; n += 1) await js.publish(`${stream}.m`, `message ${n}`);
  } finally {
    await nc.close();
  }
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await Promise.all(servers.map((started) => started.stop()));
});

describe('deploy/nats-server.conf on the Go-built nats-server', () => {
  it('is taken as written: /varz reports sync_always, and the same file without the line does not', async () => {
    expect(DEPLOY_CONFIG).toMatch(/^\s*sync_interval: always$/m);
    const { nats, varz } = await goServer(DEPLOY_CONFIG);
    const synced = await varz();
    expect(`v${synced.version}`).toBe(goToolVersion('nats-server'));
    // Loopback only, client and monitoring port alike.
    expect([synced.host, synced.http_host]).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(synced.jetstream?.config?.store_dir).toBe(join(nats.storeDir, 'jetstream'));
    expect(synced.jetstream?.config?.sync_always).toBe(true);

    // The control: NATS's default, a sync every two minutes and nothing before acknowledging.
    const { varz: lazyVarz } = await goServer(DEPLOY_CONFIG.replace(/^\s*sync_interval: always\n/m, ''));
    const lazy = await lazyVarz();
    expect(lazy.jetstream?.config?.sync_always).toBeUndefined();
    expect(lazy.jetstream?.config?.sync_interval).toBe(120e9);
  });

  it('syncs to disk before each acknowledgement: one fsync per acknowledged publish, none with the NATS default', async () => {
    const count = 40;
    const fsyncs: Record<string, number> = {};
    for (const [mode, config] of [['always', DEPLOY_CONFIG], ['default', DEPLOY_CONFIG.replace(/^\s*sync_interval: always\n/m, '')]] as const) {
      const { nats } = await goServer(config);
      const stream = await fileStream(nats.url);
      fsyncs[mode] = await syncCallsDuring(nats.pid as number, () => publishOneByOne(nats.url, stream, count));
    }
    // The NATS default syncs every two minutes: nothing within this test.
    expect(fsyncs).toEqual({ always: expect.any(Number), default: 0 });
    expect(fsyncs['always']).toBeGreaterThanOrEqual(count);
  }, 60_000);

  it('delivers every acknowledged event exactly once after kill -9 mid-stream and after the last acknowledgement', async () => {
    const { nats } = await goServer(DEPLOY_CONFIG);
    // Stream sizes that fit beside other runs' stores (the file's max_file_store is 8G).
    const streams = { raw: { maxBytes: 64 * 1024 ** 2 }, unified: { maxBytes: 64 * 1024 ** 2 }, insights: { maxBytes: 16 * 1024 ** 2 } };
    // In-flight publishes die with the server; a short ack timeout resends them sooner, and
    // the message ids make the resent ones duplicates the server drops.
    const publisher = bus(nats.url, { streams, publish: { ackTimeout: '1s' } });
    await publisher.start();

    const total = 2000;
    let crashed: Promise<void> | undefined;
    for (let batch = 0; batch < total / 100; batch += 1) {
      if (batch === 8) {
        crashed = (async () => {
          await nats.kill();
          await waitFor('the publisher to notice', () => publisher.health().status === 'degraded');
          await nats.restart(300);
        })();
      }
      await Promise.all(publishPodEvents(publisher, batch * 100, 100));
    }
    await crashed;
    expect(publisher.stats().dropped).toBe(0);
    expect(publisher.stats().reconnects).toBeGreaterThanOrEqual(1);

    // Every publish above resolved, i.e. was acknowledged. Crash the server once more right
    // after the last acknowledgement, then read everything back with a consumer that did not
    // exist before: what it gets is what the store kept.
    await publisher.close();
    await nats.kill();
    await nats.restart();
    const received = new Map<string, number>();
    const consumer = bus(nats.url, { streams });
    await consumer.subscribe('unified', 'correlation', async (event) => void received.set(event.id, (received.get(event.id) ?? 0) + 1));
    await consumer.drain();

    expect(received.size).toBe(total);
    const doubled = [...received].filter(([, count]) => count !== 1);
    expect(doubled).toEqual([]);
    expect(nats.log()).not.toMatch(/\[(ERR|FTL)\]/);
  }, 120_000);
});
