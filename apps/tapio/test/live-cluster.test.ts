import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveIncident, liveWorkspace, type LiveWorkspace } from './support/live-incident.js';
import { liveTapioConfig, startLiveTapio, stopLiveTapio } from './support/live-tapio.js';
import { TAPIO, waitFor, type TapioProcess } from './support/tapio-process.js';

const run = promisify(execFile);

interface WhyAnswer {
  insights: Array<{ pattern: string; rootCause: { entity: { kind: string; namespace?: string | null; name: string } } }>;
}

// Tapio against the live local cluster (tools/k8s): the kubeapi collector under deploy/rbac.yaml's
// identity, one real incident provoked by tools/k8s/incidents/configmap-crash.sh, and
// `tapio why` over the REST API naming the ConfigMap within a minute of the first crash.
describe('tapio on a live Kubernetes cluster', () => {
  let live: LiveWorkspace;
  let tapio: TapioProcess | undefined;
  const incident = liveIncident('configmap-crash.sh', 'live', 240_000);
  const ns = incident.ns;

  beforeAll(async () => {
    live = await liveWorkspace('live');
    // Ready = the REST API answers and the kubeapi collector has listed every kind.
    tapio = await startLiveTapio(live, incident, liveTapioConfig(live));
  }, 300_000);

  afterAll(() => stopLiveTapio(live, incident, tapio));

  it('names the edited ConfigMap as the root cause of the crashing pod within a minute of its first crash', async () => {
    await incident.step('provoke');
    // The first crash of a pod of the new ReplicaSet, as the kubelet reports it.
    const crashed = await waitFor('a checkout pod to crash', async () => {
      const pods = JSON.parse(await live.cluster.kubectl(['-n', ns, 'get', 'pods', '-l', 'app=checkout', '-o', 'json'])) as {
        items: Array<{ metadata: { name: string }; status: { containerStatuses?: Array<{ lastState?: { terminated?: { finishedAt: string } } }> } }>;
      };
      for (const pod of pods.items) {
        const finishedAt = pod.status.containerStatuses?.[0]?.lastState?.terminated?.finishedAt;
        if (finishedAt) return { pod: pod.metadata.name, at: Date.parse(finishedAt) };
      }
      return undefined;
    }, 120_000, undefined, 500);

    let last = '(no answer yet)';
    const answer = await waitFor(`tapio why pod ${ns}/${crashed.pod} to name ConfigMap ${ns}/checkout-config first`, async () => {
      const why = await run(TAPIO, ['why', 'pod', `${ns}/${crashed.pod}`, '--json', '--server', live.server]);
      const parsed = JSON.parse(why.stdout) as WhyAnswer;
      last = parsed.insights.map((insight) => `${insight.pattern}: ${insight.rootCause.entity.kind} ${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`).join('; ') || '(no insight)';
      const root = parsed.insights[0]?.rootCause.entity;
      return root?.kind === 'ConfigMap' && root.namespace === ns && root.name === 'checkout-config' ? { parsed, at: Date.now() } : undefined;
    }, 90_000, () => `Tapio's last answer: ${last}`, 500);

    expect(answer.parsed.insights[0]?.pattern).toBe('config-cascade');
    expect(answer.at - crashed.at, 'milliseconds from the first crash to the right answer').toBeLessThan(60_000);
    expect(tapio?.log()).not.toMatch(/forbidden/i);
  }, 300_000);
});
