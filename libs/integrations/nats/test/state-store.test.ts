import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tapio/domain';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsStateStore } from '../src/nats-state-store.js';
import { NatsBusOptions } from '../src/options.js';

describe('NatsStateStore: the transformer state on JetStream', () => {
  let nats: NatsServerHandle;
  beforeAll(async () => {
    nats = await startNatsServer();
  }, 60_000);
  afterAll(async () => {
    await nats?.stop();
  });

  const options = (prefix: string) => NatsBusOptions.parse({ servers: nats.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix });

  it('reads back the last value of every key, across scopes, a server kill -9 and a new connection; removed keys stay removed', async () => {
    const prefix = `st${process.pid}`;
    const writer = new NatsStateStore(options(prefix), silentLogger);
    const keys = Array.from({ length: 300 }, (_, index) => `o|prod|uid-${index}/ä.*>`);
    await writer.write('kubeapi', keys.map((key, index) => [key, { version: 1, index }] as const));
    await writer.write('kubeapi', keys.slice(0, 100).map((key, index) => [key, { version: 2, index }] as const));
    await writer.write('kubeapi', keys.slice(250).map((key) => [key, undefined] as const));
    await writer.write('other', [['o|prod|uid-0/ä.*>', 'elsewhere']]);
    await writer.close();
    await nats.kill();
    await nats.restart();
    const reader = new NatsStateStore(options(prefix), silentLogger);
    const loaded = new Map(await reader.load('kubeapi'));
    expect(loaded.size).toBe(250);
    expect(loaded.get(keys[0] as string)).toEqual({ version: 2, index: 0 });
    expect(loaded.get(keys[199] as string)).toEqual({ version: 1, index: 199 });
    expect(loaded.has(keys[250] as string)).toBe(false);
    expect(await reader.load('other')).toEqual([['o|prod|uid-0/ä.*>', 'elsewhere']]);
    expect(await reader.load('empty')).toEqual([]);
    expect(reader.health().status).toBe('ok');
    await reader.close();
  }, 60_000);

  it('keeps the newest value of each key when writes are in flight across a server kill -9 and restart (sent again, never an older one over a newer)', async () => {
    const prefix = `sk${process.pid}`;
    const writer = new NatsStateStore(NatsBusOptions.parse({ servers: nats.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, publish: { ackTimeout: '500ms' } }), silentLogger);
    await writer.write('kubeapi', [['warm-up', 1]]);
    const writes: Array<Promise<void>> = [];
    for (let round = 1; round <= 40; round += 1) {
      writes.push(writer.write('kubeapi', Array.from({ length: 20 }, (_, key) => [`key-${key}`, { round }] as const)));
      if (round === 20) {
        await nats.kill();
        setTimeout(() => void nats.restart(), 300);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    await writer.close();
    const reader = new NatsStateStore(options(prefix), silentLogger);
    const loaded = new Map(await reader.load('kubeapi'));
    for (let key = 0; key < 20; key += 1) expect(loaded.get(`key-${key}`)).toEqual({ round: 40 });
    await reader.close();
  }, 60_000);

  it('holds writes while the server is frozen past the acknowledgement timeout (health names the waiting key), then stores the newest value of each', async () => {
    const prefix = `sf${process.pid}`;
    const writer = new NatsStateStore(NatsBusOptions.parse({ servers: nats.url, streamPrefix: prefix.toUpperCase(), subjectPrefix: prefix, publish: { ackTimeout: '300ms' } }), silentLogger);
    await writer.write('kubeapi', [['warm-up', 1]]);
    expect(writer.health().status).toBe('ok');
    const writes: Array<Promise<void>> = [];
    const pid = nats.pid;
    if (pid === undefined) throw new Error('nats-server has no pid: cannot freeze it');
    process.kill(pid, 'SIGSTOP');
    try {
      for (let round = 1; round <= 30; round += 1) {
        writes.push(writer.write('kubeapi', Array.from({ length: 20 }, (_, key) => [`key-${key}`, { round }] as const)));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const health = writer.health();
      expect(health.status).toBe('degraded');
      expect(health.reason).toMatch(new RegExp(`transformer state write of ${prefix}\\.state-log\\.\\S+ waiting \\d+ s for NATS .*sent again`));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await Promise.all(writes);
    expect(writer.health().status).toBe('ok');
    await writer.close();
    const reader = new NatsStateStore(options(prefix), silentLogger);
    const loaded = new Map(await reader.load('kubeapi'));
    for (let key = 0; key < 20; key += 1) expect(loaded.get(`key-${key}`)).toEqual({ round: 30 });
    await reader.close();
  }, 60_000);

  it('writes snapshots as the log grows and purges what precedes them: read back after a kill -9, the same entries, the log short', async () => {
    const prefix = `ss${process.pid}`;
    const small = { afterChars: 20_000, ratio: 2 };
    const writer = new NatsStateStore(options(prefix), silentLogger, small);
    const expected = new Map<string, unknown>();
    for (let round = 0; round < 200; round += 1) {
      const changes = Array.from({ length: 5 }, (_, index) => [`pod-${(round * 7 + index) % 60}`, round % 9 === 0 && index === 0 ? undefined : { round, index, pad: 'x'.repeat(100) }] as const);
      for (const [key, value] of changes) {
        if (value === undefined) expected.delete(key);
        else expected.set(key, value);
      }
      await writer.write('kubeapi', changes);
    }
    await writer.close();
    await nats.kill();
    await nats.restart();
    const nc = await connect({ servers: nats.url });
    const info = await (await jetstreamManager(nc)).streams.info(`${prefix.toUpperCase()}_STATE_LOG`);
    await nc.close();
    // 200 batches written; the snapshots purged most of them.
    expect(info.state.messages).toBeLessThan(100);
    const reader = new NatsStateStore(options(prefix), silentLogger, small);
    expect(new Map(await reader.load('kubeapi'))).toEqual(expected);
    await reader.close();
  }, 60_000);

  it('reads back the state whose last message is a snapshot that purged whole blocks of the log (nats-server 2.9 then lists no messages for the subject)', async () => {
    const prefix = `sp${process.pid}`;
    // Values of 200 KB: the log spans several of the server's file blocks before the first snapshot.
    const large = { afterChars: 8_500_000, ratio: 2 };
    const writer = new NatsStateStore(options(prefix), silentLogger, large);
    const expected = new Map<string, unknown>();
    const mismatches: number[] = [];
    for (let round = 0; round < 50; round += 1) {
      const value = { round, pad: 'x'.repeat(200_000) };
      expected.set(`pod-${round % 5}`, value);
      await writer.write('kubeapi', [[`pod-${round % 5}`, value]]);
      if (round < 38) continue;
      // A transformer started now (its predecessor killed after this write) must find the same state.
      const reader = new NatsStateStore(options(prefix), silentLogger, large);
      const loaded = new Map(await reader.load('kubeapi'));
      await reader.close();
      if (loaded.size !== expected.size) mismatches.push(round);
      expect(loaded, `after write ${round}`).toEqual(expected);
    }
    expect(mismatches).toEqual([]);
    await writer.close();
  }, 120_000);

  it('reads the state an earlier version kept in the key-value stream (a message per key), and moves it into the log with the next write', async () => {
    const prefix = `kv${process.pid}`;
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: `${prefix.toUpperCase()}_STATE`, subjects: [`${prefix}.state.>`], max_msgs_per_subject: 1 } as never);
    const js = jetstream(nc);
    const subject = (key: string) => `${prefix}.state.kubeapi.${Buffer.from(key).toString('base64url')}`;
    await js.publish(subject('a'), JSON.stringify({ from: 'kv' }));
    await js.publish(subject('b'), JSON.stringify({ from: 'kv' }));
    await js.publish(subject('b'), new Uint8Array(0));
    await js.publish(subject('c'), JSON.stringify({ from: 'kv' }));
    const store = new NatsStateStore(options(prefix), silentLogger);
    expect(Object.fromEntries(await store.load('kubeapi'))).toEqual({ a: { from: 'kv' }, c: { from: 'kv' } });
    await store.write('kubeapi', [['c', { from: 'log' }]]);
    await store.close();
    // Moved: the key-value stream no longer holds the scope, the log has it all.
    expect((await jsm.streams.info(`${prefix.toUpperCase()}_STATE`)).state.messages).toBe(0);
    await nc.close();
    const reader = new NatsStateStore(options(prefix), silentLogger);
    expect(Object.fromEntries(await reader.load('kubeapi'))).toEqual({ a: { from: 'kv' }, c: { from: 'log' } });
    await reader.close();
  }, 60_000);
});
