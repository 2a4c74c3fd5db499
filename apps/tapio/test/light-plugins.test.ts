import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const REGISTER = fileURLToPath(new URL('./support/module-log/register.mjs', import.meta.url));
const RECORDING = fileURLToPath(new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));
/** What only the plugins that use them may load: a second of start-up for the Kubernetes client alone. */
const HEAVY = ['@kubernetes/client-node', 'neo4j-driver', '@nats-io/', '@tapio/ebpf-native', 'native/ebpf/'];
/**
 * What only the commands and modes that use them may load (docs/benchmarks-log.md, start-up): the
 * metrics registry (nobody scrapes an analysis), the OpenTelemetry API (telemetry off), the
 * REST API server, the sinks' delivery (no sink configured), the pattern directory watcher.
 */
const UNUSED_BY_ANALYZE = ['/node_modules/prom-client/', '/node_modules/@opentelemetry/', '/node_modules/fastify/', '/node_modules/mercurius/', '/node_modules/cockatiel/', '/node_modules/chokidar/', '/interfaces/api/dist/server/'];

describe('plugin entries load their heavy libraries on demand', () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('tapio analyze of a one-line recording loads none of the Kubernetes client, NATS, Neo4j driver or eBPF layer, nor metrics, telemetry, API server, sink delivery or file watcher', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tapio-light-'));
    folders.push(dir);
    const oneLine = join(dir, 'one.ndjson');
    await writeFile(oneLine, `${(await readFile(RECORDING, 'utf8')).split('\n')[0]}\n`);
    const log = join(dir, 'modules.txt');
    const { stdout } = await run(process.execPath, ['--import', REGISTER, MAIN, 'analyze', oneLine, '--json'], { env: { ...process.env, TAPIO_MODULE_LOG: log }, cwd: dir });
    expect(JSON.parse(stdout)).toMatchObject({ events: expect.any(Number) });
    const loaded = (await readFile(log, 'utf8')).split('\n');
    // The check must be able to see a package load at all: the CLI's own library is there.
    expect(loaded.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
    for (const heavy of [...HEAVY, ...UNUSED_BY_ANALYZE]) expect(loaded.filter((url) => url.includes(heavy)), heavy).toEqual([]);
  });
});
