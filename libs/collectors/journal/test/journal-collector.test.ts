import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectingRawEventSink, MemoryDeadLetters } from '@tapio/domain';
import { JournalCollector, JournalTransformer, UNIT_MESSAGE_IDS, type JournalCollectorConfigInput } from '../src/index.js';
import { StandaloneJournald } from '../../../../tools/journald/standalone-journald.mjs';
import { context, memoryHog, messageOf, waitUntil } from './support/test-helpers.js';

const run = Math.random().toString(36).slice(2, 8);
let journald: StandaloneJournald;
let scratch: string;

function config(extra: JournalCollectorConfigInput = {}): JournalCollectorConfigInput {
  return {
    nodeName: 'node-1',
    directory: journald.journalDir,
    journaldSocket: journald.varlinkSocket,
    cursorFile: join(scratch, `cursor-${Math.random().toString(36).slice(2)}`),
    units: ['kubelet.service', 'containerd.service', `tapio-${run}-*.service`],
    healthIntervalMs: 100,
    retryMs: 100,
    circuit: { failures: 3, halfOpenAfterMs: 500 },
    ...extra,
  };
}

/** What systemd (PID 1) writes when a unit changes state, through the same native protocol. */
function unitMessage(kind: keyof typeof UNIT_MESSAGE_IDS, unit: string, message: string, extra: Record<string, string> = {}): void {
  journald.structured({ MESSAGE_ID: UNIT_MESSAGE_IDS[kind], UNIT: unit, MESSAGE: message, SYSLOG_IDENTIFIER: 'systemd', PRIORITY: kind === 'failed' ? '3' : '6', ...extra });
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'tapio-journal-test-'));
  journald = StandaloneJournald.create();
  await journald.start();
});

afterAll(async () => {
  await journald?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('journal collector on a real journald', () => {
  it('reports failures, restarts and OOM kills of the configured units and ignores everything else', async () => {
    const sink = new CollectingRawEventSink();
    const collector = new JournalCollector(config());
    await collector.start(sink);
    try {
      const unit = `tapio-${run}-a.service`;
      journald.systemdCat('kubelet', `ordinary kubelet output ${run}`);
      journald.logger('containerd', `ordinary containerd syslog line ${run}`);
      unitMessage('failed', 'sshd.service', 'sshd.service: Failed with result exit-code.', { UNIT_RESULT: 'exit-code' });
      unitMessage('failed', unit, `${unit}: Failed with result 'exit-code'.`, { UNIT_RESULT: 'exit-code' });
      unitMessage('restartScheduled', unit, `${unit}: Scheduled restart job, restart counter is at 3.`, { N_RESTARTS: '3' });
      unitMessage('stopped', unit, `Stopped ${unit}.`);
      unitMessage('started', unit, `Started ${unit}.`);
      unitMessage('outOfMemory', 'kubelet.service', 'kubelet.service: A process of this unit has been killed by the OOM killer.');
      await sink.waitFor('OOM message of kubelet.service', (event) => messageOf(event).includes('killed by the OOM killer'));

      const messages = sink.events.map(messageOf);
      expect(messages.some((message) => message.includes(run) && message.includes('ordinary'))).toBe(false);
      expect(messages.some((message) => message.startsWith('sshd.service'))).toBe(false);

      const transformer = new JournalTransformer();
      const events = sink.events.flatMap((raw) => transformer.transform(raw, context)).filter((event) => event.application?.unit === unit || event.application?.unit === 'kubelet.service');
      expect(events.map((event) => [event.type, event.application?.unit])).toEqual([
        ['service_failed', unit],
        ['service_restarted', unit],
        ['service_stopped', unit],
        ['service_started', unit],
        ['oom_kill', 'kubelet.service'],
      ]);
      expect(events[0]).toMatchObject({ entity: { kind: 'Node', name: 'node-1' }, application: { fields: { result: 'exit-code' } } });
      expect(events[1]?.metrics).toEqual({ restart_count: 3 });
      expect(collector.health().reason).toBeUndefined();
      expect(collector.health().status).toBe('ok');
    } finally {
      await collector.stop();
    }
  });

  it('a saved cursor makes a restart resume right after the last entry: nothing lost, nothing repeated', async () => {
    const unit = `tapio-${run}-cursor.service`;
    const settings = config();
    const first = new CollectingRawEventSink();
    const before = new JournalCollector(settings);
    await before.start(first);
    for (let index = 1; index <= 3; index++) unitMessage('started', unit, `Started ${unit} #${index}.`);
    await first.waitFor('entry #3', (event) => messageOf(event).includes('#3'));
    await before.stop();
    // Written while Tapio is down.
    for (let index = 4; index <= 6; index++) unitMessage('started', unit, `Started ${unit} #${index}.`);

    const second = new CollectingRawEventSink();
    const after = new JournalCollector(settings);
    await after.start(second);
    try {
      for (let index = 7; index <= 8; index++) unitMessage('started', unit, `Started ${unit} #${index}.`);
      await second.waitFor('entry #8', (event) => messageOf(event).includes('#8'));
      const numbers = (sink: CollectingRawEventSink) => sink.events.map(messageOf).filter((message) => message.includes(unit)).map((message) => Number(/#(\d+)/.exec(message)?.[1]));
      expect(numbers(first)).toEqual([1, 2, 3]);
      expect(numbers(second)).toEqual([4, 5, 6, 7, 8]);
    } finally {
      await after.stop();
    }
  });

  it('reports real kernel messages: an OOM kill attributed to its unit, and a bridge port going down', async () => {
    const sink = new CollectingRawEventSink();
    const collector = new JournalCollector(config());
    await collector.start(sink);
    const name = `tjoom${run}`;
    const hog = memoryHog(name, 16 * 1024 * 1024);
    const netns = `tapio-jt-${run}`;
    const bridge = `tjb${run}`;
    try {
      const victim = spawn('sh', ['-c', `echo $$ > ${hog.cgroupProcs} && exec ${hog.program} /dev/zero`], { stdio: 'ignore' });
      await new Promise((resolve) => victim.once('exit', resolve));
      const ip = (...args: string[]) => {
        const result = spawnSync('ip', args, { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr}`);
      };
      ip('netns', 'add', netns);
      ip('-n', netns, 'link', 'add', bridge, 'type', 'bridge');
      ip('-n', netns, 'link', 'add', `${bridge}a`, 'type', 'veth', 'peer', 'name', `${bridge}b`);
      ip('-n', netns, 'link', 'set', `${bridge}a`, 'master', bridge);
      ip('-n', netns, 'link', 'set', bridge, 'up');
      ip('-n', netns, 'link', 'set', `${bridge}b`, 'up');
      ip('-n', netns, 'link', 'set', `${bridge}a`, 'up');
      await sink.waitFor('bridge port forwarding', (event) => messageOf(event).includes(`(${bridge}a) entered forwarding state`));
      ip('-n', netns, 'link', 'set', `${bridge}b`, 'down');
      // The port is disabled once when enslaved while down, and again when its peer goes down.
      await waitUntil('bridge port disabled after forwarding', () => sink.events.filter((event) => messageOf(event).includes(`(${bridge}a) entered disabled state`)).length >= 2);
      await sink.waitFor('OOM kill line', (event) => messageOf(event).includes(`(${name})`));

      const transformer = new JournalTransformer();
      const events = sink.events.flatMap((raw) => transformer.transform(raw, context));
      const oom = events.find((event) => event.type === 'oom_kill' && event.kernel?.comm === name);
      expect(oom?.kernel).toMatchObject({ comm: name, systemdUnit: `${name}.service` });
      expect(oom?.message).toContain(`in ${name}.service`);
      const links = events.filter((event) => event.application?.fields?.['port'] === `${bridge}a`).map((event) => event.type);
      expect(links).toEqual(['link_down', 'link_up', 'link_down']);
    } finally {
      await collector.stop();
      spawnSync('ip', ['netns', 'del', netns]);
      hog.remove();
      unlinkSync(hog.program);
    }
  });

  it('dead-letters malformed entries with the reason and keeps running', async () => {
    // journalctl itself, with one line of garbage in front of its output (as a corrupted pipe would give).
    const wrapper = join(scratch, 'journalctl-with-garbage');
    writeFileSync(wrapper, '#!/bin/sh\necho "this is not json {"\nexec journalctl "$@"\n');
    chmodSync(wrapper, 0o755);
    const deadLetters = new MemoryDeadLetters();
    const sink = new CollectingRawEventSink();
    const collector = new JournalCollector(config({ journalctl: wrapper }), { deadLetters });
    await collector.start(sink);
    try {
      const unit = `tapio-${run}-bad.service`;
      journald.structured({ MESSAGE_ID: UNIT_MESSAGE_IDS.failed, MESSAGE: 'a unit failure that names no unit', SYSLOG_IDENTIFIER: 'systemd' });
      unitMessage('failed', unit, `${unit}: Failed with result 'signal'.`, { UNIT_RESULT: 'signal' });
      await sink.waitFor('the good entry after the bad ones', (event) => messageOf(event).includes(unit));
      expect(deadLetters.entries).toEqual([expect.objectContaining({ stage: 'decode', source: 'systemd', payload: 'this is not json {', reason: expect.stringContaining('not JSON') })]);

      const transformer = new JournalTransformer();
      const noUnit = sink.events.find((event) => messageOf(event) === 'a unit failure that names no unit');
      expect(noUnit).toBeDefined();
      expect(() => transformer.transform(noUnit!, context)).toThrow(/unit message "failed" .* names no UNIT/);
      const good = sink.events.find((event) => messageOf(event).includes(unit));
      expect(transformer.transform(good!, context).map((event) => event.type)).toEqual(['service_failed']);
      expect(collector.health().status).toBe('ok');
    } finally {
      await collector.stop();
    }
  });

  it('turns degraded naming journald while it is down or the journal is missing, and recovers by itself', async () => {
    const sink = new CollectingRawEventSink();
    const missing = StandaloneJournald.create();
    const collector = new JournalCollector({ ...config(), directory: missing.journalDir, journaldSocket: missing.varlinkSocket });
    await collector.start(sink);
    try {
      await waitUntil('degraded before journald runs', () => collector.health().status === 'degraded' && /journalctl exited/.test(collector.health().reason ?? ''));
      expect(collector.health().reason).toMatch(/systemd-journald unreachable at .*io\.systemd\.journal/);
      // journalctl exits at once without a journal: after 3 such starts it is left alone until the circuit half-opens.
      await waitUntil('the journalctl circuit open', () => collector.health().details?.['circuitState'] === 'open');
      expect(collector.health().reason).toMatch(/; circuit collector:journal open since .*: restarts paused, next try in \d s$/);
      const starts = collector.counters.journalctlStarts;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(collector.counters.journalctlStarts).toBeLessThanOrEqual(starts + 1);

      await missing.start();
      await waitUntil('ok once journald runs', () => collector.health().status === 'ok');
      expect(collector.health().details).toMatchObject({ circuitState: 'closed' });
      const unit = `tapio-${run}-recover.service`;
      missing.structured({ MESSAGE_ID: UNIT_MESSAGE_IDS.started, UNIT: unit, MESSAGE: `Started ${unit} #1.` });
      await sink.waitFor('entry after journald came up', (event) => messageOf(event).includes('#1'));

      await missing.kill();
      await waitUntil('degraded after journald died', () => collector.health().status === 'degraded');
      expect(collector.health().reason).toMatch(/^systemd-journald unreachable/);

      await missing.start();
      await waitUntil('ok after journald returned', () => collector.health().status === 'ok');
      missing.structured({ MESSAGE_ID: UNIT_MESSAGE_IDS.started, UNIT: unit, MESSAGE: `Started ${unit} #2.` });
      await sink.waitFor('entry after journald returned', (event) => messageOf(event).includes('#2'), 15_000);
    } finally {
      await collector.stop();
      await missing.stop();
    }
  });
});
