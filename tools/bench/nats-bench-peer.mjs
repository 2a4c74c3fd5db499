// The peer of the NATS benchmarks: `nats bench` (the nats CLI, Go client) on the same
// nats-server, at the same message size, JetStream with message ids and file storage:
// what the broker itself offers on this machine. `--nats-cli PATH` or a `nats` on PATH is
// used first; otherwise the pinned CLI is built from the Go module proxy on first use into
// tools/.cache/nats-<version>/nats (only the benchmarks need it, so the test set-up, and
// with it CI, does not pay the 2-10 minute build).
import { execFile, execFileSync } from 'node:child_process';
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

/** The nats CLI to run: the given one, one on PATH, or the pinned build (built now when missing). */
export function findNatsCli(explicit) {
  const version = pinnedVersion();
  const cached = version ? fileURLToPath(new URL(`../.cache/nats-${version}/nats`, import.meta.url)) : undefined;
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nats'));
  const found = [explicit, ...onPath, cached].find((candidate) => candidate && existsSync(candidate));
  if (found || !version || explicit) return found;
  console.error(`building the nats CLI ${version} from the Go module proxy (once; cached in tools/.cache/nats-${version})`);
  const builder = fileURLToPath(new URL('../go-tools/build-go-tool.sh', import.meta.url));
  execFileSync('bash', [builder, 'nats', 'github.com/nats-io/natscli', version, './nats'], { stdio: ['ignore', 'inherit', 'inherit'] });
  return existsSync(cached) ? cached : undefined;
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
