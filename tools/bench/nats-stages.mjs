// What the NATS benchmarks share: the recording, the tapio.yaml of a distributed run, the
// `./bin/tapio` stage processes, and reading the streams' state (what is still open, how
// many events a stream holds). Used by nats-e2e.mjs (the whole path) and nats-workers.mjs
// (the correlation stage alone, one worker beside several).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeliverPolicy } from '@nats-io/jetstream';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { KubeTraffic } from './kube-traffic.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PREFIX = 'BENCH';

/** The recording of `events` RawEvents, and how many UnifiedEvents the transformer makes of it (what the correlation stage must acknowledge). */
export async function writeRecording(file, events) {
  const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
  const raws = [...traffic.startingState(), ...traffic.next(events)];
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore(), cluster: 'bench' });
  let unified = 0;
  const lines = raws.map((raw) => {
    const line = JSON.stringify(raw);
    const result = pipeline.processLine(line);
    if (result.ok) unified += result.events.length;
    return line;
  });
  await writeFile(file, `${lines.join('\n')}\n`);
  const meanBytes = Math.round(lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0) / lines.length);
  return { raws: raws.length, unified, meanBytes };
}

/** tapio.yaml of a distributed run on `natsUrl`: the replay collector, the embedded graph, no API. */
export async function writeConfig(file, { natsUrl, recording, unified, partitions = 1, validate, batch }) {
  await writeFile(
    file,
    [
      'cluster: bench',
      'log:',
      '  level: warn',
      'bus:',
      '  type: nats',
      '  nats:',
      `    servers: ${natsUrl}`,
      `    streamPrefix: ${PREFIX}`,
      `    subjectPrefix: ${PREFIX.toLowerCase()}`,
      ...(partitions > 1 ? [`    partitions: ${partitions}`] : []),
      ...(validate ? ['    consume:', `      validate: [${validate}]`] : []),
      ...(batch ? ['    publish:', '      batch:', `        maxEvents: ${batch}`] : []),
      'graph:',
      '  type: memory',
      '  memory:',
      `    maxEvents: ${Math.max(1_000_000, unified)}`,
      'api:',
      '  enabled: false',
      'collectors:',
      '  replay:',
      `    file: ${recording}`,
      '    speed: 0',
      '',
    ].join('\n'),
  );
}

/** One `./bin/tapio -mode <mode>` process (`partition`: its `-partition`); `profileDir`: a V8 CPU profile there. */
export function tapio(mode, config, dir, partition, profileDir) {
  const name = partition === undefined ? mode : `${mode}-${partition}`;
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}.cpuprofile`] : [];
  const args = [...profile, join(ROOT, 'apps/tapio/dist/main.js'), '-config', config, '-mode', mode, ...(partition === undefined ? [] : ['-partition', String(partition)])];
  const child = spawn(process.execPath, [...(process.env.BENCH_STAGE_NODE_FLAGS ?? '').split(' ').filter(Boolean), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => (log = (log + chunk.toString()).slice(-4000)));
  const exited = new Promise((resolve) => child.on('close', resolve));
  return { mode: name, child, exited, log: () => log };
}

/** Stops stage processes with SIGTERM and waits for them. */
export async function stopAll(procs) {
  for (const proc of procs) proc.child.kill('SIGTERM');
  await Promise.all(procs.map((proc) => proc.exited));
}

/**
 * Messages the durable consumers of a stream have not acknowledged yet, and the stream's
 * size. Ephemeral consumers (the ordered ones `storedEvents` reads with) are not the stages'.
 */
export async function backlog(jsm, stream) {
  const info = await jsm.streams.info(stream);
  let open = 0;
  let consumers = 0;
  for await (const consumer of jsm.consumers.list(stream)) {
    if (!consumer.config.durable_name) continue;
    consumers += 1;
    open += consumer.num_pending + consumer.num_ack_pending;
  }
  return { messages: info.state.messages, open, consumers };
}

/** Events a stored message carries: one, or a batch envelope's members. */
const eventsIn = (msg) => (msg.headers?.get('Tapio-Envelope') ? msg.json().events.length : 1);

/**
 * A stream's messages in order, each with its sequence, subject and how many events it
 * carries: one, or a batch envelope's members (`Tapio-Envelope` header, `{ v: 1, events:
 * [...] }`). Read with an ordered consumer.
 */
export async function storedMessages(js, jsm, stream) {
  let left = (await jsm.streams.info(stream)).state.messages;
  const stored = [];
  if (left === 0) return stored;
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  for await (const msg of messages) {
    stored.push({ seq: msg.seq, subject: msg.subject, events: eventsIn(msg) });
    left -= 1;
    if (left <= 0) break;
  }
  messages.stop();
  return stored;
}

/** Events stored in a stream (see `storedMessages`). */
export async function storedEvents(js, jsm, stream) {
  return (await storedMessages(js, jsm, stream)).reduce((sum, message) => sum + message.events, 0);
}

/**
 * The events stored in a stream as it fills, for polling: each call reads only the messages
 * stored since the last one (an ordered consumer from the next sequence), where
 * `storedEvents` reads the whole stream every time.
 */
export function eventTally(js, jsm, stream) {
  let counted = 0;
  let events = 0;
  return async () => {
    const last = (await jsm.streams.info(stream)).state.last_seq;
    if (last <= counted) return events;
    const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: counted + 1 });
    const messages = await consumer.consume();
    for await (const msg of messages) {
      events += eventsIn(msg);
      counted = msg.seq;
      if (counted >= last) break;
    }
    messages.stop();
    return events;
  };
}

/** Whether a NATS subject matches a consumer's filter (`*`: one token, `>`: the rest). */
export function subjectMatches(filter, subject) {
  const want = filter.split('.');
  const have = subject.split('.');
  for (let index = 0; index < want.length; index += 1) {
    if (want[index] === '>') return have.length > index;
    if (index >= have.length || (want[index] !== '*' && want[index] !== have[index])) return false;
  }
  return want.length === have.length;
}

/** Polls `probe` every `everyMs` (200 ms); fails with the stages' logs when one of them exits or time runs out. */
export async function waitFor(what, probe, timeoutMs, procs, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    const dead = procs.find((proc) => proc.child.exitCode !== null && proc.mode !== 'collectors');
    if (dead) throw new Error(`tapio -mode ${dead.mode} exited while waiting for ${what}:\n${dead.log()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${procs.map((proc) => `--- ${proc.mode}\n${proc.log()}`).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
