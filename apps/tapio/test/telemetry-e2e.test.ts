import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/net/free-port.mjs';
import { startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { startOtelcol, type OtelcolHandle, type ReceivedSpan } from '../../../tools/otelcol/otelcol.mjs';
import { killStartedTapios, startTapio, waitFor, replayCollectorYaml } from './support/tapio-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING = join(ROOT, 'examples/recordings/configmap-cascade.ndjson');
/** The metrics /metrics shows, by the same names over OTLP: Tapio's own and prom-client's default process_* and nodejs_* ones. */
const TAPIO_METRICS = ['tapio_insights_total', 'tapio_pipeline_unified_produced_total', 'tapio_http_requests_total', 'tapio_bus_published_total'];
const DEFAULT_METRICS = ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_version_info'];

function telemetryYaml(endpoint: string): string[] {
  return ['telemetry:', '  enabled: true', `  endpoint: ${endpoint}`, '  metrics:', '    interval: 1s'];
}

/** The chain of spans from `leaf` up to its trace's root, following parent ids. */
function ancestry(spans: readonly ReceivedSpan[], leaf: ReceivedSpan): ReceivedSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const chain = [leaf];
  for (let parent = byId.get(leaf.parentId); parent; parent = byId.get(parent.parentId)) chain.unshift(parent);
  return chain;
}

describe('OpenTelemetry: traces and metrics over OTLP into a real OpenTelemetry Collector', () => {
  let collector: OtelcolHandle;
  let nats: NatsServerHandle;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-telemetry-'));
    [collector, nats] = await Promise.all([startOtelcol(), startNatsServer()]);
  }, 120_000);

  afterAll(async () => {
    killStartedTapios();
    await Promise.all([collector?.stop(), nats?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('follows an event from collector to insight in one process, mirrors the metrics, and honours an incoming traceparent on the REST API', async () => {
    const apiPort = await freePort();
    const file = join(dir, 'embedded.yaml');
    await writeFile(file, [...telemetryYaml(collector.endpoint), 'log:', '  level: info', 'api:', `  port: ${apiPort}`, ...replayCollectorYaml(RECORDING), ''].join('\n'));
    const proc = startTapio(['-config', file], dir);
    const context = () => `${proc.log().slice(-3000)}\n--- otelcol ---\n${collector.output().slice(-3000)}`;
    const base = `http://127.0.0.1:${apiPort}`;
    await waitFor('an insight', async () => ((await (await fetch(`${base}/api/v1/insights`)).json()) as { items: unknown[] }).items.length || undefined, 60_000, context);

    // A traced client calls the API: the server span joins the client's trace.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientSpan = '00f067aa0ba902b7';
    const answer = await fetch(`${base}/api/v1/insights?limit=1`, { headers: { traceparent: `00-${traceId}-${clientSpan}-01` } });
    expect(answer.status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);

    const { spans, metrics } = await waitFor(
      'the spans and metrics at the collector',
      () => {
        const received = collector.received();
        const notify = received.spans.some((span) => span.name === 'tapio.notify');
        const api = received.spans.some((span) => span.traceId === traceId);
        // Every metric asserted below: the shutdown's last export (the one that holds the API's
        // request count) can reach the collector's output after an earlier periodic one.
        const mirrored = [...TAPIO_METRICS, ...DEFAULT_METRICS].every((name) => received.metrics.includes(name));
        return notify && api && mirrored ? received : undefined;
      },
      30_000,
      () => {
        const received = collector.received();
        return `span names: ${[...new Set(received.spans.map((span) => span.name))].join(', ')}; metrics: ${received.metrics.join(', ')}\n${context()}`;
      },
    );
    const server = spans.find((span) => span.traceId === traceId);
    expect(server).toMatchObject({ name: 'GET /api/v1/insights', kind: 'Server', parentId: clientSpan });
    expect(server?.attributes['http.response.status_code']).toBe('200');

    // An insight's notification descends from the event that changed it: collect → transform → correlate → notify, one trace.
    const notify = spans.find((span) => span.name === 'tapio.notify') as ReceivedSpan;
    expect(ancestry(spans, notify).map((span) => span.name)).toEqual(['tapio.collect', 'tapio.transform', 'tapio.correlate', 'tapio.notify']);
    const correlate = ancestry(spans, notify)[2] as ReceivedSpan;
    expect(correlate.attributes['tapio.insight.ids']).toContain(notify.attributes['tapio.insight.id']);
    expect(notify.resource['service.name']).toBe('tapio');
    expect(notify.resource['tapio.mode']).toBe('all');
    // The metrics /metrics shows, by the same names, over OTLP.
    expect(metrics).toEqual(expect.arrayContaining(TAPIO_METRICS));
    // prom-client's default process_* and nodejs_* metrics too, read from the same registry at each export.
    expect(metrics).toEqual(expect.arrayContaining(DEFAULT_METRICS));
  }, 120_000);

  it('carries the trace context across NATS between processes (traceparent in the message headers)', async () => {
    const configs: string[] = [];
    for (const mode of ['collectors', 'transformer', 'correlation']) {
      const file = join(dir, `${mode}.yaml`);
      await writeFile(
        file,
        [
          ...telemetryYaml(collector.endpoint),
          'log:',
          '  level: info',
          'bus:',
          '  type: nats',
          '  nats:',
          `    servers: ${nats.url}`,
          `    streamPrefix: OT${process.pid}`,
          `    subjectPrefix: ot${process.pid}`,
          'api:',
          '  enabled: false',
          ...replayCollectorYaml(RECORDING),
          '',
        ].join('\n'),
      );
      configs.push(file);
    }
    const before = collector.received().spans.length;
    const procs = ['correlation', 'transformer', 'collectors'].map((mode) => startTapio(['-config', join(dir, `${mode}.yaml`), '-mode', mode], dir));
    const context = () => `${procs.map((proc) => proc.log().slice(-1500)).join('\n---\n')}\n--- otelcol ---\n${collector.output().slice(-3000)}`;
    const notify = await waitFor('a tapio.notify span from the correlation process', () => collector.received().spans.slice(before).find((span) => span.name === 'tapio.notify' && span.resource['tapio.mode'] === 'correlation'), 90_000, context);
    for (const proc of procs) proc.child.kill('SIGTERM');
    await Promise.all(procs.map((proc) => proc.exited));
    const spans = collector.received().spans.slice(before);
    const chain = ancestry(spans, notify);
    expect(chain.map((span) => [span.name, span.resource['tapio.mode']])).toEqual([
      ['tapio.collect', 'collectors'],
      ['tapio.transform', 'transformer'],
      ['tapio.correlate', 'correlation'],
      ['tapio.notify', 'correlation'],
    ]);
    expect(new Set(chain.map((span) => span.traceId)).size).toBe(1);
    // Three processes, three service instances.
    expect(new Set(chain.map((span) => span.resource['service.instance.id'])).size).toBe(3);
  }, 180_000);
});
