// Runs the OpenTelemetry Collector built by tools/setup.d/65-otelcol.sh for a test: an OTLP/HTTP
// receiver on a free loopback port, the debug exporter at detailed verbosity, and a parser of
// what it printed (spans with their trace, parent and span ids, resource and span attributes;
// metric names). The collector's own metrics endpoint is off, so parallel runs do not clash.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../net/free-port.mjs';
import { goToolVersion } from '../go-tools/go-tools.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built collector; a clear error (not a skip) when the set-up has not built it. */
export function otelcolBinary() {
  const version = goToolVersion('otelcol');
  const path = `${ROOT}tools/.cache/otelcol-${version}/otelcol`;
  if (!existsSync(path)) throw new Error(`otelcol ${version} is not built: run bash tools/setup.d/65-otelcol.sh (it builds it from the Go module proxy into ${path})`);
  return path;
}

const ATTRIBUTE = /^\s*-> ([^:]+): \w+\((.*)\)$/;
const FIELD = /^\s+(Trace ID|Parent ID|ID|Name|Kind)\s*: ?(.*)$/;

/** Spans and metric names out of the debug exporter's detailed output. */
export function parseDebugOutput(text) {
  const spans = [];
  const metrics = new Set();
  let resource = {};
  let section = 'none';
  let span;
  for (const line of text.split('\n')) {
    if (/ResourceSpans #\d+|ResourceMetrics #\d+/.test(line)) {
      resource = {};
      section = 'resource';
      continue;
    }
    if (line.startsWith('Resource attributes:')) {
      section = 'resource';
      continue;
    }
    if (/^Span #\d+/.test(line)) {
      span = { traceId: '', parentId: '', spanId: '', name: '', kind: '', resource, attributes: {} };
      spans.push(span);
      section = 'span';
      continue;
    }
    if (/^(ScopeSpans|ScopeMetrics|Metric) #\d+/.test(line)) {
      section = line.startsWith('Metric') ? 'metric' : 'scope';
      span = undefined;
      continue;
    }
    const field = FIELD.exec(line);
    if (field && span && section === 'span') {
      const key = { 'Trace ID': 'traceId', 'Parent ID': 'parentId', ID: 'spanId', Name: 'name', Kind: 'kind' }[field[1]];
      span[key] = field[2].trim();
      continue;
    }
    const name = metricName(line);
    if (name && section === 'metric') {
      metrics.add(name);
      continue;
    }
    const attribute = ATTRIBUTE.exec(line);
    if (!attribute) continue;
    if (section === 'resource') resource[attribute[1]] = attribute[2];
    else if (section === 'span' && span) span.attributes[attribute[1]] = attribute[2];
  }
  return { spans, metrics: [...metrics] };
}

function metricName(line) {
  const match = /^\s*-> Name: (.+)$/.exec(line);
  return match ? match[1] : undefined;
}

/** Starts a collector; resolves once its OTLP/HTTP receiver listens. */
export async function startOtelcol() {
  const binary = otelcolBinary();
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tapio-otelcol-'));
  const config = join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      '      http:',
      `        endpoint: 127.0.0.1:${port}`,
      'exporters:',
      '  debug:',
      '    verbosity: detailed',
      'service:',
      '  telemetry:',
      '    metrics:',
      '      level: none',
      '  pipelines:',
      '    traces:',
      '      receivers: [otlp]',
      '      exporters: [debug]',
      '    metrics:',
      '      receivers: [otlp]',
      '      exporters: [debug]',
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 30_000;
  while (!output.includes('Everything is ready')) {
    if (child.exitCode !== null) throw new Error(`otelcol exited (${child.exitCode}) before it was ready:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`otelcol was not ready after 30 s:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    received: () => parseDebugOutput(output),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
