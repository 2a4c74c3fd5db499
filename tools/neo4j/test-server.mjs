// Starts and stops a real Neo4j 5 Community (embedded in a JVM, Bolt only, on 127.0.0.1)
// for tests and benchmarks. Needs `bash tools/setup.d/50-neo4j.sh` to have run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net/free-port.mjs';

const cache = join(import.meta.dirname, '..', '.cache', 'neo4j');
const READY = /TAPIO_NEO4J_READY port=(\d+)/;

export { freePort };

function launch({ port, dataDir, password, heapMb, pageCacheMb, startTimeoutMs }) {
  const classpath = `${join(cache, 'classes')}:${join(cache, 'lib', '*')}`;
  const args = [
    `-Xms${Math.min(heapMb, 512)}m`,
    `-Xmx${heapMb}m`,
    // G1, as Neo4j recommends: ParallelGC's stop-the-world old-generation collections showed up as
    // 200+ ms query outliers after a large ingest.
    '-XX:+UseG1GC',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-cp',
    classpath,
    'TapioNeo4jLauncher',
    '--port',
    String(port),
    '--data',
    dataDir,
    '--pagecache-mb',
    String(pageCacheMb),
    ...(password ? ['--password', password] : []),
  ];
  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Neo4j did not start on 127.0.0.1:${port} within ${startTimeoutMs} ms:\n${output.slice(-4000)}`));
    }, startTimeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      if (READY.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Neo4j launcher exited (${signal ?? code}) before Bolt was ready:\n${output.slice(-4000)}`));
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run java for the Neo4j launcher: ${error.message}`));
    });
  });
  return { child, ready };
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts Neo4j on a free port with data in a new temporary folder. `stop()` shuts it
 * down and deletes the data; `restart()` stops and starts it again on the same port and
 * data (a Neo4j outage as a client sees it); `kill()` ends it abruptly (SIGKILL);
 * `freeze()` / `thaw()` stop and continue it (SIGSTOP / SIGCONT: a hung server).
 */
export async function startNeo4j(options = {}) {
  if (!existsSync(join(cache, 'ready'))) {
    throw new Error(`Neo4j launcher not built in ${cache}: run bash tools/setup.d/50-neo4j.sh`);
  }
  const settings = {
    port: options.port ?? (await freePort()),
    dataDir: await mkdtemp(join(tmpdir(), 'tapio-neo4j-')),
    password: options.password,
    heapMb: options.heapMb ?? 768,
    pageCacheMb: options.pageCacheMb ?? 128,
    startTimeoutMs: options.startTimeoutMs ?? 300_000,
  };
  let current = launch(settings);
  try {
    await current.ready;
  } catch (error) {
    await rm(settings.dataDir, { recursive: true, force: true });
    throw error;
  }
  const down = async (signal) => {
    const { child } = current;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = exited(child);
    child.kill(signal);
    // A frozen process (freeze()) acts on the signal only once it runs again.
    child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  };
  return {
    uri: `bolt://127.0.0.1:${settings.port}`,
    port: settings.port,
    dataDir: settings.dataDir,
    /** Stops Neo4j (as an outage begins). */
    async halt() {
      await down('SIGTERM');
    },
    /** Starts it again on the same port and data. */
    async resume() {
      current = launch(settings);
      await current.ready;
    },
    async restart() {
      await down('SIGTERM');
      current = launch(settings);
      await current.ready;
    },
    async kill() {
      await down('SIGKILL');
    },
    /** Freezes the process (SIGSTOP): connections stay open and nothing answers, as a hung server. */
    freeze() {
      current.child.kill('SIGSTOP');
    },
    /** Lets a frozen process run again (SIGCONT). */
    thaw() {
      current.child.kill('SIGCONT');
    },
    /** The Java process's id. */
    get pid() {
      return current.child.pid;
    },
    async stop() {
      await down('SIGTERM');
      await rm(settings.dataDir, { recursive: true, force: true });
    },
  };
}
