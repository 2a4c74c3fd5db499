import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './load-config.js';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(text, 'tapio.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('tapio.yaml loading', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fills defaults so that a minimal file (even an empty one) runs the embedded default', () => {
    for (const text of ['', 'cluster: demo\n']) {
      const { config } = parseConfig(text, 'tapio.yaml', {});
      expect(config.mode).toBe('all');
      // The plugins' own defaults fill their sections (select-plugins.test.ts).
      expect(config.bus).toEqual({ type: 'embedded' });
      expect(config.graph).toEqual({ type: 'memory' });
      expect(config.correlation.limits).toEqual({ maxIncidents: 10_000, maxHeld: 10_000, maxHistoryKeys: 10_000, maxTimesPerKey: 20, maxCachedWalks: 50_000, maxTrackedPredictions: 10_000 });
      expect(config.log).toEqual({ level: 'info', format: 'json' });
      expect(config.plugins).toEqual([]);
      expect(config.collectors).toEqual({});
    }
    expect(parseConfig('cluster: demo\n', 'tapio.yaml', {}).config.cluster).toBe('demo');
  });

  it('loads the committed tapio.yaml', async () => {
    const loaded = await loadConfig(new URL('../../../../tapio.yaml', import.meta.url).pathname, {});
    expect(loaded.config.bus.type).toBe('embedded');
    expect(loaded.config.graph.type).toBe('memory');
    expect(Object.keys(loaded.config.collectors)).toEqual(['replay']);
  });

  it('reports an unknown key with its YAML path and line, pointing at the key', () => {
    const error = problemsOf('cluster: demo\ncorrelation:\n  window: 1h\n  limits:\n    maxHeld: 10\n    maxHedl: 20\n');
    expect(error.problems).toEqual([{ path: 'correlation.limits.maxHedl', line: 6, column: 5, message: 'unknown key "maxHedl"' }]);
    expect(error.message).toContain('tapio.yaml:6:5 correlation.limits.maxHedl: unknown key "maxHedl"');
  });

  it('reads how pattern directories are watched: events by default, polling with an interval', () => {
    expect(parseConfig('', 'tapio.yaml', {}).config.correlation.patternWatch).toEqual({ debounce: '50ms' });
    expect(parseConfig('correlation:\n  patternWatch:\n    pollInterval: 2s\n    debounce: 200ms\n', 'tapio.yaml', {}).config.correlation.patternWatch).toEqual({ pollInterval: '2s', debounce: '200ms' });
    const error = problemsOf('correlation:\n  patternWatch:\n    pollInterval: often\n');
    expect(error.problems[0]).toMatchObject({ path: 'correlation.patternWatch.pollInterval', line: 3 });
  });

  it('validates the engine limits (whole numbers of at least 1)', () => {
    const error = problemsOf('correlation:\n  limits:\n    maxIncidents: 0\n    maxCachedWalks: 1.5\n');
    expect(error.problems.map((problem) => [problem.path, problem.line])).toEqual([
      ['correlation.limits.maxIncidents', 3],
      ['correlation.limits.maxCachedWalks', 4],
    ]);
    expect(parseConfig('correlation:\n  limits:\n    maxHeld: 5\n', 'tapio.yaml', {}).config.correlation.limits).toMatchObject({ maxHeld: 5, maxIncidents: 10_000 });
  });

  it('reads the bound on tracked predictions, and refuses a bad one naming where it is', () => {
    expect(parseConfig('correlation:\n  limits:\n    maxTrackedPredictions: 250\n', 'tapio.yaml', {}).config.correlation.limits).toMatchObject({ maxTrackedPredictions: 250, maxCachedWalks: 50_000 });
    for (const [value, message] of [
      ['0', /too small|>=1/],
      ['2.5', /expected int/],
      ['many', /expected number/],
    ] as const) {
      const error = problemsOf(`cluster: demo\ncorrelation:\n  limits:\n    maxTrackedPredictions: ${value}\n`);
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatchObject({ path: 'correlation.limits.maxTrackedPredictions', line: 4, column: 28 });
      expect(error.problems[0]?.message).toMatch(message);
      expect(error.message).toContain('tapio.yaml:4:28 correlation.limits.maxTrackedPredictions:');
    }
  });

  it('reads the memory thresholds as shares of the old space (defaults 0.6 and 0.7), and refuses one V8 would not live to see, saying why', () => {
    expect(parseConfig('', 'tapio.yaml', {}).config.degradation).toEqual({ maintenance: false, degradedHeapRatio: 0.6, readOnlyHeapRatio: 0.7, recheckInterval: '5s' });
    expect(parseConfig('degradation:\n  readOnlyHeapRatio: 0.75\n', 'tapio.yaml', {}).config.degradation.readOnlyHeapRatio).toBe(0.75);
    const error = problemsOf('cluster: demo\ndegradation:\n  degradedHeapRatio: 0.8\n  readOnlyHeapRatio: 0.92\n');
    expect(error.problems.map((problem) => [problem.path, problem.line])).toEqual([
      ['degradation.degradedHeapRatio', 3],
      ['degradation.readOnlyHeapRatio', 4],
    ]);
    expect(error.problems[1]?.message).toMatch(/at most 0.75 of the old-space limit: V8 ends the process once the old space stays above 0.8/);
  });

  it('reads lifecycle.uncordonGrace and correlation.patternOverrides (defaults 60s and none), and refuses bad values naming where they are', () => {
    const defaults = parseConfig('', 'tapio.yaml', {}).config;
    expect(defaults.lifecycle).toEqual({ uncordonGrace: '60s' });
    expect(defaults.correlation.patternOverrides).toEqual({});
    const { config } = parseConfig('lifecycle:\n  uncordonGrace: 2m\ncorrelation:\n  patternOverrides:\n    admission-refused: { holdFor: 3m }\n', 'tapio.yaml', {});
    expect(config.lifecycle.uncordonGrace).toBe('2m');
    expect(config.correlation.patternOverrides).toEqual({ 'admission-refused': { holdFor: '3m' } });
    const grace = problemsOf('cluster: demo\nlifecycle:\n  uncordonGrace: a minute\n');
    expect(grace.problems[0]).toMatchObject({ path: 'lifecycle.uncordonGrace', line: 3, column: 18 });
    const hold = problemsOf('correlation:\n  patternOverrides:\n    admission-refused:\n      holdFor: soon\n      hold: 1m\n');
    expect(hold.problems.map((problem) => [problem.path, problem.line])).toEqual([
      ['correlation.patternOverrides.admission-refused.holdFor', 4],
      ['correlation.patternOverrides.admission-refused.hold', 5],
    ]);
  });

  it('reports an unknown top-level key', () => {
    const error = problemsOf('cluster: demo\n\nbuss:\n  type: nats\n');
    expect(error.problems).toEqual([{ path: 'buss', line: 3, column: 1, message: 'unknown key "buss"' }]);
  });

  it('reports a wrong type with its YAML path and the line of the value', () => {
    const error = problemsOf('cluster: demo\ncorrelation:\n  limits:\n    maxHeld: lots\n');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: 'correlation.limits.maxHeld', line: 4, column: 14 });
    expect(error.problems[0]?.message).toMatch(/expected number/);
    const list = problemsOf('plugins:\n  - ./ok.js\n  - 42\n');
    expect(list.problems[0]).toMatchObject({ path: 'plugins[1]', line: 3, column: 5 });
  });

  it('reports every problem of a file at once', () => {
    const error = problemsOf('mode: sideways\nlog:\n  level: loud\n');
    expect(error.problems.map((problem) => [problem.path, problem.line])).toEqual([
      ['mode', 1],
      ['log.level', 3],
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const error = problemsOf('cluster: demo\ngraph:\n  type: [memory\n');
    expect(error.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('substitutes ${VAR} and ${VAR:-default} in string values', () => {
    const text = 'cluster: ${CLUSTER_NAME}\ndeadLetters:\n  file: ${DLQ_DIR:-/var/lib/tapio}/dead.ndjson\ngraph:\n  memory:\n    snapshotFile: ${SNAP:-snap.ndjson}\n';
    const { config } = parseConfig(text, 'tapio.yaml', { CLUSTER_NAME: 'prod-west', SNAP: 'mine.ndjson' });
    expect(config.cluster).toBe('prod-west');
    expect(config.deadLetters.file).toBe('/var/lib/tapio/dead.ndjson');
    expect(config.graph['memory']).toEqual({ snapshotFile: 'mine.ndjson' });
  });

  it('reports a missing variable with its YAML path and line, naming the variable', () => {
    const error = problemsOf('cluster: demo\ncollectors:\n  replay:\n    file: ${RECORDING}\n');
    expect(error.problems).toEqual([
      { path: 'collectors.replay.file', line: 4, column: 11, message: 'environment variable RECORDING is not set (write ${RECORDING:-default} for a default)' },
    ]);
    const inList = problemsOf('plugins:\n  - ./a.js\n  - ${PLUGIN_DIR}/b.js\n');
    expect(inList.problems[0]).toMatchObject({ path: 'plugins[1]', line: 3 });
    expect(inList.message).toContain('tapio.yaml:3:5 plugins[1]: environment variable PLUGIN_DIR is not set');
  });

  it('reports plugin section errors at their place, once the plugin validates its section', async () => {
    const loaded = parseConfig('cluster: demo\ncollectors:\n  replay:\n    file: x.ndjson\n    sped: 2\n', 'tapio.yaml', {});
    expect(loaded.locate(['collectors', 'replay', 'sped'])).toEqual({ line: 5, column: 11 });
    expect(loaded.locate(['collectors', 'replay', 'nothing-here'])).toEqual({ line: 4, column: 5 });
  });

  it('names the file when it cannot be read', async () => {
    const missing = join(dir, 'nope.yaml');
    await expect(loadConfig(missing, {})).rejects.toThrow(`invalid configuration ${missing}:\n  ${missing} cannot read the configuration file (ENOENT)`);
  });

  it('resolves relative paths against the folder of the file', async () => {
    const file = join(dir, 'tapio.yaml');
    await writeFile(file, 'cluster: demo\n');
    expect((await loadConfig(file, {})).baseDir).toBe(dir);
  });

  it('an alias bomb is a located ConfigError, not a stack trace', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 10; level += 1) levels.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`);
    const error = problemsOf(`cluster: demo\n${levels.join('\n')}\n`);
    expect(error.problems).toEqual([{ path: '', line: 3, column: expect.any(Number), message: expect.stringMatching(/^cannot read the configuration: .*alias/i) }]);
  });

  it('locates 50,000 unknown keys in seconds (duplicate-key checks and key locating were quadratic: 20,000 keys took 24 s)', () => {
    const text = `cluster: demo\n${Array.from({ length: 50_000 }, (_, n) => `unknown${n}: 1`).join('\n')}\n`;
    const started = performance.now();
    const error = problemsOf(text);
    const elapsedMs = performance.now() - started;
    expect(error.problems).toHaveLength(50_000);
    expect(error.problems[49_999]).toEqual({ path: 'unknown49999', line: 50_001, column: 1, message: 'unknown key "unknown49999"' });
    // Quadratic, this was about 150 s; linear it is about 3 s on a loaded 2-core machine.
    expect(elapsedMs).toBeLessThan(30_000);
  }, 60_000);

  it('a repeated key is still an error at the repeat', () => {
    expect(problemsOf('cluster: a\nmode: all\ncluster: b\n').problems).toEqual([{ path: '', line: 3, column: 1, message: 'Map keys must be unique: "cluster" is repeated' }]);
  });
});
