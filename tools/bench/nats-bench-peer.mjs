// The peer of the NATS benchmarks: `nats bench` (the nats CLI, Go client) on the same
// nats-server, at the same message size, JetStream with message ids and file storage:
// what the broker itself offers on this machine. The CLI is built by the set-up
// (tools/setup.d/60-go-tools.sh: tools/.cache/nats-<version>/nats); `--nats-cli PATH` or a
// `nats` on PATH is used first.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The version the set-up builds (tools/go-tools/versions.sh). */
function pinnedVersion() {
  const versions = readFileSync(fileURLToPath(new URL('../go-tools/versions.sh', import.meta.url)), 'utf8');
  return /^NATSCLI_VERSION=(\S+)/m.exec(versions)?.[1];
}

/** The nats CLI to run, or undefined when there is none. */
export function findNatsCli(explicit) {
  const version = pinnedVersion();
  const cached = version ? fileURLToPath(new URL(`../.cache/nats-${version}/nats`, import.meta.url)) : undefined;
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nats'));
  return [explicit, cached, ...onPath].find((candidate) => candidate && existsSync(candidate));
}

const rate = (output) => {
  const match = output.match(/stats:\s*([\d,]+)\s*msgs\/sec/i);
  return match ? Number(match[1].replace(/,/g, '')) : undefined;
};

/**
 * `nats bench`: JetStream asynchronous publish (message ids for de-duplication, file
 * storage, `batch` publishes in flight) then a durable consume of the same messages.
 * Messages per second of each; `error` instead when the CLI failed.
 */
export async function natsBench(cli, url, messages, size, batch = 1000) {
  const common = ['--server', url, '--no-progress', '--msgs', String(messages), '--size', String(size)];
  try {
    const publish = await run(cli, ['bench', 'js', 'pub', 'async', 'benchsubj', ...common, '--batch', String(Math.min(batch, 1000)), '--create', '--purge', '--storage', 'file', '--dedup'], { maxBuffer: 1 << 24 });
    const consume = await run(cli, ['bench', 'js', 'consume', ...common], { maxBuffer: 1 << 24 });
    return { publish: rate(publish.stdout + publish.stderr), consume: rate(consume.stdout + consume.stderr) };
  } catch (error) {
    return { error: `${error.message}`.split('\n').slice(0, 3).join(' ') };
  }
}
