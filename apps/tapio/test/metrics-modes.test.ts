import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TAPIO = join(ROOT, 'bin/tapio');
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');

/** What only a NATS bus has (documented in docs/metrics.md); everything else is named alike in every mode. */
const NATS_ONLY = new Set([
  'tapio_bus_duplicates_total',
  'tapio_bus_publish_retries_total',
  'tapio_bus_publish_rejected_total',
  'tapio_bus_redelivered_total',
  'tapio_bus_dead_lettered_total',
  'tapio_bus_skipped_total',
  'tapio_bus_duplicates_skipped_total',
  'tapio_bus_envelopes_total',
  'tapio_bus_enveloped_events_total',
  'tapio_bus_reconnects_total',
  'tapio_bus_buffered',
  'tapio_bus_in_flight',
]);

interface Family {
  type: string;
  labels: Set<string>;
  /** Samples exposed: a labelled family with none yet (a circuit family before any breaker) shows no label names. */
  samples: number;
}

/** Metric families of a Prometheus text exposition: type and the label names their samples use. */
function families(text: string): Map<string, Family> {
  const result = new Map<string, Family>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) result.set(name as string, { type: type as string, labels: new Set(), samples: 0 });
  for (const [, sample, labels] of text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? \S+$/gm)) {
    const family = result.get(sample as string) ?? result.get((sample as string).replace(/_(bucket|sum|count)$/, ''));
    if (family) family.samples += 1;
    for (const [, label] of (labels ?? '').matchAll(/(\w+)="(?:[^"\\]|\\.)*"/g)) if (label !== 'le') family?.labels.add(label as string);
  }
  return result;
}

const children = new Set<ChildProcess>();

/** Runs ./bin/tapio on the recording until an insight formed; returns its /metrics. */
async function scrape(configText: string, dir: string, name: string): Promise<string> {
  const port = await freePort();
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `${configText}api:\n  port: ${port}\ncollectors:\n  replay:\n    file: ${RECORDING}\n`);
  const child = spawn(TAPIO, ['-config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!log.includes('"change":"new"') || !log.includes('replay finished')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name}: no insight formed; log:\n${log.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Let the last updates of the incident reach the outputs before scraping.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('close', resolve));
  children.delete(child);
  return text;
}

describe('metrics are named alike in every mode', () => {
  let nats: NatsServerHandle;
  let dir: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = await mkdtemp(join(tmpdir(), 'tapio-metrics-modes-'));
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('embedded and NATS mode expose the same families, types and labels (NATS adds only its own bus details)', async () => {
    const unique = randomBytes(4).toString('hex');
    const embedded = await scrape('cluster: demo\n', dir, 'embedded');
    const natsText = await scrape(`cluster: demo\nbus:\n  type: nats\n  nats:\n    servers: ${nats.url}\n    streamPrefix: M${unique}\n    subjectPrefix: m${unique}\n`, dir, 'nats');
    const inEmbedded = families(embedded);
    const inNats = families(natsText);

    for (const [name, family] of inEmbedded) {
      expect(inNats.get(name)?.type, `${name} in NATS mode`).toBe(family.type);
      // Label names show only in samples: compare them where both modes expose some.
      if (family.samples > 0 && (inNats.get(name)?.samples ?? 0) > 0) expect([...(inNats.get(name)?.labels ?? [])].sort(), `labels of ${name}`).toEqual([...family.labels].sort());
    }
    expect([...inNats.keys()].filter((name) => !inEmbedded.has(name)).sort()).toEqual([...NATS_ONLY].sort());

    for (const text of [embedded, natsText]) {
      expect(text).toContain('tapio_insights_total{severity="high",pattern="config-cascade"} 1');
      expect(text).toMatch(/^tapio_bus_published_total [1-9]\d*$/m);
      expect(text).toMatch(/^tapio_bus_dropped_total 0$/m);
      expect(text).toContain('# TYPE tapio_dead_letters_total counter');
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    }
    // Counters are counters and say so; no running total is a gauge any more.
    for (const [name, family] of inEmbedded) if (family.type === 'counter') expect(name).toMatch(/_total$/);
    for (const [name, family] of inEmbedded) if (family.type === 'gauge' && name.startsWith('tapio_')) expect(name).not.toMatch(/_(published|delivered|dropped|letters|matches)$/);
  }, 240_000);
});
