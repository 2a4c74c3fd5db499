import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/net/free-port.mjs';
import { useTestCluster, type TestCluster } from '../../../tools/k8s/test-cluster.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TAPIO = join(ROOT, 'bin/tapio');
const INCIDENT = join(ROOT, 'tools/k8s/incidents/configmap-crash.sh');
const run = promisify(execFile);

interface WhyAnswer {
  insights: Array<{ pattern: string; rootCause: { entity: { kind: string; namespace?: string | null; name: string } } }>;
}

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// Tapio against the live local cluster (tools/k8s): the kubeapi collector under deploy/rbac.yaml's
// identity, one real incident provoked by tools/k8s/incidents/configmap-crash.sh, and
// `tapio why` over the REST API naming the ConfigMap within a minute of the first crash.
describe('tapio on a live Kubernetes cluster', () => {
  let cluster: TestCluster;
  let dir: string;
  let tapio: ChildProcess | undefined;
  let output = '';
  let server: string;
  const ns = `live-${randomBytes(3).toString('hex')}`;
  const incident = (step: string) => run('bash', [INCIDENT, step], { env: { ...process.env, INCIDENT_NS: ns }, timeout: 240_000 });

  beforeAll(async () => {
    cluster = await useTestCluster();
    dir = await mkdtemp(join(tmpdir(), 'tapio-live-'));
    const port = await freePort();
    server = `http://127.0.0.1:${port}`;
    await writeFile(join(dir, 'tapio.yaml'), [
      'cluster: local', 'log:', '  level: info', '  format: json', 'graph:', '  type: memory',
      'api:', `  port: ${port}`, 'collectors:', '  kubeapi:', `    kubeconfig: ${cluster.tapioKubeconfig}`, '',
    ].join('\n'));
    await incident('prepare');
    tapio = spawn(TAPIO, ['run', '-config', join(dir, 'tapio.yaml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    tapio.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    tapio.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Ready = the REST API answers and the kubeapi collector has listed every kind.
    await poll(`Tapio ready on ${server}; output so far:\n${output.slice(-2000)}`, 90_000, async () => {
      const response = await fetch(`${server}/readyz`);
      return response.status === 200 ? true : undefined;
    });
  }, 300_000);

  afterAll(async () => {
    if (tapio && tapio.exitCode === null) {
      const exited = new Promise((resolve) => tapio?.once('exit', resolve));
      tapio.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (tapio.exitCode === null) tapio.kill('SIGKILL');
    }
    await incident('cleanup').catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names the edited ConfigMap as the root cause of the crashing pod within a minute of its first crash', async () => {
    await incident('provoke');
    // The first crash of a pod of the new ReplicaSet, as the kubelet reports it.
    const crashed = await poll('a checkout pod to crash', 120_000, async () => {
      const pods = JSON.parse(await cluster.kubectl(['-n', ns, 'get', 'pods', '-l', 'app=checkout', '-o', 'json'])) as {
        items: Array<{ metadata: { name: string }; status: { containerStatuses?: Array<{ lastState?: { terminated?: { finishedAt: string } } }> } }>;
      };
      for (const pod of pods.items) {
        const finishedAt = pod.status.containerStatuses?.[0]?.lastState?.terminated?.finishedAt;
        if (finishedAt) return { pod: pod.metadata.name, at: Date.parse(finishedAt) };
      }
      return undefined;
    });

    let last = '(no answer yet)';
    const answer = await poll(`tapio why pod ${ns}/${crashed.pod} to name ConfigMap ${ns}/checkout-config first`, 90_000, async () => {
      const why = await run(TAPIO, ['why', 'pod', `${ns}/${crashed.pod}`, '--json', '--server', server]);
      const parsed = JSON.parse(why.stdout) as WhyAnswer;
      last = parsed.insights.map((insight) => `${insight.pattern}: ${insight.rootCause.entity.kind} ${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`).join('; ') || '(no insight)';
      const root = parsed.insights[0]?.rootCause.entity;
      return root?.kind === 'ConfigMap' && root.namespace === ns && root.name === 'checkout-config' ? { parsed, at: Date.now() } : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; Tapio's last answer: ${last}`);
    });

    expect(answer.parsed.insights[0]?.pattern).toBe('config-cascade');
    expect(answer.at - crashed.at, 'milliseconds from the first crash to the right answer').toBeLessThan(60_000);
    expect(output).not.toMatch(/forbidden/i);
  }, 300_000);
});
