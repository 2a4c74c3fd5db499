import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Insight } from '@tapio/domain';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@tapio/domain';
import { EXIT, insightsCommand, whyCommand, type CliArgs, type CliIo } from '@tapio/cli-client';
import { compose, parseConfig, TapioRuntime } from '../src/index.js';
import { benignRecording } from './corpus/corpus-variants.js';
import { volumeAttachFailure } from './corpus/service-dependency-incidents.js';
import { analyzeRecording } from './support/analyze-recording.js';
import { normalise, type RecordedLine } from './support/recording-variants.js';

/**
 * One incident per cause, stored: the catalog pods cannot attach their volume, so Service
 * shop/catalog loses its endpoints and the frontend (which calls it) fails its probe. The
 * Service's incident folds into the catalog Deployment's, and that is what the engine
 * outputs (and the graph stores): the root lists what it explains, the folded incident
 * names its root. The recording is committed (examples/recordings/generated/) for the API,
 * store and browser tests; this test keeps it equal to its generator
 * (TAPIO_UPDATE_GOLDEN=1 rewrites it).
 */
const FILE = new URL('../../../examples/recordings/generated/callers-refused-volume.ndjson', import.meta.url);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const UPDATE = process.env['TAPIO_UPDATE_GOLDEN'] === '1';

function generated(): RecordedLine[] {
  return normalise(volumeAttachFailure(benignRecording(), { callerNs: 'shop', caller: 'frontend', calleeNs: 'shop', callee: 'catalog', via: 'probe' }).lines);
}

describe('folded incidents (one incident per cause) are part of what the engine outputs', () => {
  const text = `${generated()
    .map((line) => JSON.stringify(line))
    .join('\n')}\n`;

  it('the committed recording is the generator output', () => {
    if (UPDATE || !existsSync(FILE)) {
      mkdirSync(new URL('.', FILE), { recursive: true });
      writeFileSync(FILE, text);
    }
    expect(readFileSync(FILE, 'utf8')).toBe(text);
  });

  it('the Service incident folds into the Deployment whose pods cannot attach their volume, on both sides', () => {
    const { engine, insights } = analyzeRecording(generated());
    const all = engine.insights();
    expect(insights.map((insight) => `${insight.rootCause.entity.kind}/${insight.rootCause.entity.name}`)).toEqual(['Deployment/catalog']);
    const root = insights[0]!;
    const folded = all.filter((insight) => insight.explainedBy);
    expect(folded.map((insight) => `${insight.rootCause.entity.kind}/${insight.rootCause.entity.name}`)).toEqual(['Service/catalog']);
    expect(folded[0]?.explainedBy).toMatchObject({ insightId: root.id, rootCause: { kind: 'Deployment', name: 'catalog' }, reason: 'its pods are the ones that fail' });
    expect(root.alsoExplains?.map((fold) => fold.insightId)).toEqual([folded[0]?.id]);
    expect(root.story).toContain('Also explains: 1 incident in 1 namespace: Service shop/catalog');
  });

  it('is made as events arrive: the last version of each insight the engine output (what the graph holds) is the final one', () => {
    const stored = new Map<string, Insight>();
    const { engine } = analyzeRecording(generated(), undefined, (output) => output.insights.forEach((insight) => stored.set(insight.id, insight)));
    const final = engine.insights();
    expect(final.filter((insight) => insight.explainedBy).length).toBe(1);
    for (const insight of final) expect(stored.get(insight.id), `stored version of ${insight.id}`).toEqual(insight);
  });

  it('tapio analyze --json reports the root with alsoExplains and leaves the folded incident out', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, 'analyze', fileURLToPath(FILE), '--json'], { maxBuffer: 64 * 1024 * 1024 });
    const answer = JSON.parse(stdout) as { insights: Array<{ rootCause: { kind: string; name: string }; alsoExplains?: Array<{ rootCause: { kind: string; name: string }; reason: string }> }> };
    expect(answer.insights.map((insight) => `${insight.rootCause.kind}/${insight.rootCause.name}`)).toEqual(['Deployment/catalog']);
    expect(answer.insights[0]?.alsoExplains).toEqual([expect.objectContaining({ rootCause: { kind: 'Service', namespace: 'shop', name: 'catalog' }, reason: 'its pods are the ones that fail' })]);
  }, 120_000);
});

/** The client commands over a running Tapio (mode all) that replayed the recording: the folds went through the graph. */
describe('tapio insights and tapio why show folded incidents', () => {
  let runtime: TapioRuntime;
  let server: string;
  const run = async (command: (args: CliArgs, io: CliIo) => Promise<number>, positionals: string[], flags: Record<string, string | true> = {}) => {
    const io = { out: '', err: '', env: {}, now: () => new Date('2026-03-02T12:00:00Z'), stdout: { write: (text: string) => (io.out += text) }, stderr: { write: (text: string) => (io.err += text) } };
    const code = await command({ positionals, flags: new Map(Object.entries({ server, ...flags })) }, io);
    expect(code, io.err).toBe(EXIT.ok);
    return io.out;
  };

  beforeAll(async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const loaded = parseConfig(['cluster: demo', 'api:', '  port: 0', 'collectors:', '  replay:', `    file: ${fileURLToPath(FILE)}`, ''].join('\n'), join(root, 'folded-test.yaml'), {});
    runtime = new TapioRuntime(await compose(loaded, silentLogger), 'all', { cluster: loaded.config.cluster, busType: 'embedded', correlation: loaded.config.correlation, baseDir: loaded.baseDir, watchPatterns: false, api: loaded.config.api });
    await runtime.start();
    await runtime.finiteCollectorsDone();
    await runtime.correlation?.releaseHeld(Number.POSITIVE_INFINITY);
    server = runtime.apiUrl as string;
  }, 120_000);
  afterAll(async () => {
    await runtime?.stop();
  });

  it('insights lists one incident per cause with what it also explains; --all lists the folded one naming its root', async () => {
    const roots = (await run(insightsCommand, [])).trimEnd().split('\n');
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatch(/root cause Deployment shop\/catalog .*\(also explains 1\)$/);
    const rootId = roots[0]?.split(/\s+/)[1] as string;
    const all = (await run(insightsCommand, [], { all: true })).trimEnd().split('\n');
    expect(all).toHaveLength(2);
    const folded = all.find((line) => line.includes('root cause Service shop/catalog')) as string;
    expect(folded).toContain(`(folded into ${rootId}: Deployment shop/catalog)`);
    const detail = await run(insightsCommand, [folded.split(/\s+/)[1] as string]);
    expect(detail).toMatch(new RegExp(`Folded into: \\[\\w+\\] pvc-deadlock: root cause Deployment shop/catalog \\(${rootId}\\): its pods are the ones that fail`));
    expect(await run(insightsCommand, [rootId])).toMatch(/Also explains 1 incident:\n {2}- \[\w+\] service-without-endpoints: root cause Service shop\/catalog \(ins-[0-9a-f]+\): its pods are the ones that fail/);
  });

  it('why on the folded Service tells its own incident folded into the root', async () => {
    const out = await run(whyCommand, ['svc', 'shop/catalog']);
    expect(out).toContain('Folded into: ');
    expect(out).toContain('root cause Deployment shop/catalog');
  });
});
