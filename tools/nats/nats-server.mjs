// Starts a throwaway `nats-server -js` (Debian's package) for tests and benchmarks: loopback
// only, a free random port, a temporary JetStream store. stop() removes everything it made;
// restart() keeps the port and the store so a client can reconnect and find its streams.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../net/free-port.mjs';

const running = new Set();
const ownedStores = new Set();
const killAll = () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of ownedStores) rmSync(dir, { recursive: true, force: true });
};
// Last resort (a test runner or benchmark killed mid-run): never leave a server behind.
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killAll();
    // Alone on this signal: die of it as Node would have. Others listening decide themselves.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** The nats-server binary: $NATS_SERVER_BIN, then PATH, then Debian's /usr/sbin. */
export function findNatsServer() {
  const candidates = [
    process.env.NATS_SERVER_BIN,
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    '/usr/local/bin/nats-server',
  ].filter(Boolean);
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'nats-server not found (looked at $NATS_SERVER_BIN, PATH, /usr/sbin, /usr/bin, /usr/local/bin); install the Debian package "nats-server" (tools/setup.d/apt-packages.txt)',
  );
}

export { freePort };

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{ port?: number, storeDir?: string, args?: string[], config?: string, baseConfig?: (storeDir: string) => string, binary?: string, maxStore?: number, readyTimeoutMs?: number }} [options]
 *   args: extra nats-server flags, e.g. ['--user', 'u', '--pass', 'p'] or ['--auth', 'token'].
 *   config: extra configuration file text (e.g. an `authorization { ... }` block).
 *   baseConfig: the whole configuration instead of the generated jetstream block (a deployment
 *   file with its store_dir pointed at the given folder); the port is still the -p flag's.
 *   binary: this nats-server instead of findNatsServer()'s (e.g. the Go-built one).
 *   maxStore: JetStream's storage limit in bytes. NATS reserves every stream's max_bytes
 *   against it; the default (1 TiB) lets tests create many stream sets whatever the disk.
 */
export async function startNatsServer(options = {}) {
  const binary = options.binary ?? findNatsServer();
  const port = options.port ?? (await freePort());
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'tapio-nats-'));
  if (ownsStore) ownedStores.add(storeDir);
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const maxStore = options.maxStore ?? 1024 ** 4;
  const configFile = join(storeDir, 'nats-server.conf');
  const base =
    options.baseConfig?.(storeDir) ??
    `jetstream {\n  store_dir: ${JSON.stringify(storeDir)}\n  max_file_store: ${maxStore}\n  max_memory_store: ${Math.min(maxStore, 1024 ** 3)}\n}\n`;
  writeFileSync(configFile, `${base}\n${options.config ?? ''}\n`);
  let child;
  let output = '';

  async function launch() {
    output = '';
    child = spawn(binary, ['-c', configFile, '-a', '127.0.0.1', '-p', String(port), ...(options.args ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.exited = exited;
    exited.then(() => running.delete(child));
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const deadline = Date.now() + readyTimeoutMs;
    let early;
    exited.then((status) => {
      early = status;
    });
    while (Date.now() < deadline) {
      if (early) {
        throw new Error(`nats-server exited during start (code ${early.code}, signal ${early.signal}) on 127.0.0.1:${port}:\n${output}`);
      }
      // JetStream is usable once the log says the server is ready and the port accepts.
      if (output.includes('Server is ready') && (await canConnect(port))) return;
      await delay(25);
    }
    child.kill('SIGKILL');
    throw new Error(`nats-server did not become ready on 127.0.0.1:${port} within ${readyTimeoutMs} ms:\n${output}`);
  }

  async function halt(signal) {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await child.exited;
    clearTimeout(timer);
  }

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return child.pid;
    },
    /** Recent server log, for failure messages. */
    log: () => output,
    /** Whether the server runs, or how it ended (a failure message's first question). */
    status: () => (child.exitCode === null && child.signalCode === null ? `running (pid ${child.pid})` : `exited (pid ${child.pid}, code ${child.exitCode}, signal ${child.signalCode})`),
    /** Graceful stop, then start again on the same port with the same store. */
    async restart(downMs = 0) {
      await halt('SIGTERM');
      if (downMs > 0) await delay(downMs);
      await launch();
    },
    /** Stops the server, keeping the store (start it again with restart()). */
    async pause() {
      await halt('SIGTERM');
    },
    /** SIGKILL: the crash case. */
    async kill() {
      await halt('SIGKILL');
    },
    async stop() {
      await halt('SIGTERM');
      if (ownsStore) {
        rmSync(storeDir, { recursive: true, force: true });
        ownedStores.delete(storeDir);
      }
    },
  };
}
