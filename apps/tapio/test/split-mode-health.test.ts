import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';
import { killStartedTapios, startTapio, stopTapio, waitFor, type TapioProcess, replayCollectorYaml } from './support/tapio-process.js';

type Readiness = { status: string; components: Record<string, { status: string; reason?: string }> };

/**
 * Tapio as separate processes (collectors, transformer, correlation) on a real
 * nats-server: each answers /healthz, /readyz and /metrics on its own port
 * (`-status-port`), and its readiness is its own dependencies'.
 */
describe('split mode: every process serves its own health', () => {
  let dir: string;
  const procs: TapioProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-split-health-'));
  });
  afterAll(async () => {
    for (const proc of procs) await stopTapio(proc, 5_000);
    killStartedTapios();
    await rm(dir, { recursive: true, force: true });
  });

  async function configFor(natsUrl: string, name: string): Promise<string> {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      [
        'log: { level: info, format: json }',
        'bus:',
        '  type: nats',
        '  nats:',
        `    servers: ${natsUrl}`,
        `    streamPrefix: ${name.toUpperCase()}`,
        `    subjectPrefix: ${name}`,
        '    connect: { initialDelay: 100ms, maxDelay: 1s }',
        'graph: { type: memory }',
        'api: { enabled: false }',
        ...replayCollectorYaml(join(fileURLToPath(SHARED_SCENARIOS), 'configmap-cascade.ndjson')),
        '',
      ].join('\n'),
    );
    return file;
  }

  const lastAnswer = new Map<number, string>();
  async function readyz(port: number): Promise<{ code: number; body: Readiness }> {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await response.json()) as Readiness;
    lastAnswer.set(port, `${response.status} ${JSON.stringify(body)}`);
    return { code: response.status, body };
  }
  /** What a failed wait shows: the last /readyz answer, then the process's output. */
  const context = (proc: TapioProcess, port: number) => () => `last /readyz: ${lastAnswer.get(port) ?? 'none'}\n${proc.log().slice(-1500)}`;

  async function launch(config: string, mode: string): Promise<{ proc: TapioProcess; port: number }> {
    const port = await freePort();
    const proc = startTapio(['run', '-config', config, '-mode', mode, '-status-port', String(port)], dir);
    procs.push(proc);
    return { proc, port };
  }

  it('answers liveness at once and readiness 503 with the step while its dependency is not there yet; ready once it is', async () => {
    const natsPort = await freePort();
    const config = await configFor(`nats://127.0.0.1:${natsPort}`, `late${process.pid}`);
    const { proc, port } = await launch(config, 'transformer');
    const starting = await waitFor('the status port', async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? await readyz(port) : undefined), 60_000, proc.log);
    expect(starting.code).toBe(503);
    expect(starting.body.components['start']).toMatchObject({ status: 'starting' });
    expect(starting.body.components['start']?.reason).toMatch(/^starting \(transformer\): /);
    expect(starting.body.components['bus']?.status).not.toBe('ok');

    const nats = await startNatsServer({ port: natsPort });
    try {
      const ready = await waitFor('the transformer ready', async () => {
        const answer = await readyz(port);
        return answer.code === 200 ? answer : undefined;
      }, 60_000, context(proc, port));
      expect(ready.body.components['start']).toBeUndefined();
      expect(ready.body.components['bus']?.status).toBe('ok');
      expect(ready.body.components['state']?.status).toBe('ok');
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('tapio_bus_');
    } finally {
      await stopTapio(proc);
      await nats.stop();
    }
  }, 180_000);

  it('collectors, transformer and correlation each report their own dependencies, a NATS outage and the recovery', async () => {
    let nats: NatsServerHandle | undefined = await startNatsServer();
    try {
      const config = await configFor(nats.url, `split${process.pid}`);
      const stages = {
        correlation: await launch(config, 'correlation'),
        transformer: await launch(config, 'transformer'),
        collectors: await launch(config, 'collectors'),
      };
      const own: Record<keyof typeof stages, string[]> = {
        correlation: ['bus', 'graph', 'mode'],
        transformer: ['bus', 'state'],
        collectors: ['bus', 'collectors/replay'],
      };
      for (const [stage, { proc, port }] of Object.entries(stages) as Array<[keyof typeof stages, { proc: TapioProcess; port: number }]>) {
        const ready = await waitFor(`${stage} ready`, async () => {
          const answer = await readyz(port);
          return answer.code === 200 && answer.body.status === 'ok' ? answer : undefined;
        }, 90_000, context(proc, port));
        for (const component of own[stage]) expect(ready.body.components[component]?.status, `${stage} ${component}`).toBe('ok');
        if (stage !== 'correlation') expect(ready.body.components['graph'], `${stage} has no graph to report`).toBeUndefined();
      }

      await nats.pause();
      for (const [stage, { proc, port }] of Object.entries(stages)) {
        const outage = await waitFor(`${stage} to report the NATS outage`, async () => {
          const answer = await readyz(port);
          return answer.body.components['bus']?.status !== 'ok' ? answer : undefined;
        }, 30_000, context(proc, port));
        expect(outage.body.status, stage).not.toBe('ok');
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status, `${stage} stays alive`).toBe(200);
      }
      await nats.restart();
      for (const [stage, { proc, port }] of Object.entries(stages)) {
        await waitFor(`${stage} to recover`, async () => {
          const answer = await readyz(port);
          return answer.code === 200 && answer.body.components['bus']?.status === 'ok' ? answer : undefined;
        }, 60_000, context(proc, port));
      }
      for (const { proc } of Object.values(stages)) await stopTapio(proc);
    } finally {
      await nats?.stop();
      nats = undefined;
    }
  }, 300_000);
});
