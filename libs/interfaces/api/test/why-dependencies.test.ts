import type { WhyAnswer } from '@tapio/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, harness, WRITE_TOKEN, type Harness } from './support/api-harness.js';
import { replayedGraph } from './support/replayed-graph.js';

/**
 * The real coredns-corefile-broken recording: the reception pods' readiness probe resolves
 * records.backoffice.svc.cluster.local, CoreDNS's Corefile got a typo. `why` on a reception pod
 * shows the DEPENDS_ON edge (with its evidence) that links the pod's workload to cluster DNS.
 */
describe('why shows the dependency evidence behind a cause in another service', () => {
  let api: Harness;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const { graph } = await replayedGraph('real/coredns-corefile-broken');
    stop = () => graph.stop();
    api = await harness(graph);
  }, 120_000);
  afterAll(async () => {
    await api?.app.close();
    await stop?.();
  });

  it("lists the workload's DEPENDS_ON edge to kube-dns with its evidence", async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/why/pod/frontdesk/reception-f46fdcc7c-dqt68', headers: bearer(WRITE_TOKEN) });
    expect(response.statusCode, response.body).toBe(200);
    const why = response.json() as WhyAnswer;
    const toDns = why.dependencies?.find((edge) => edge.from.endsWith('/Deployment/frontdesk/reception') && edge.to.endsWith('/Service/kube-system/kube-dns'));
    expect(toDns, JSON.stringify(why.dependencies)).toBeDefined();
    expect(toDns?.type).toBe('DEPENDS_ON');
    expect(toDns?.evidence).toContain('records.backoffice.svc.cluster.local');
  });

  it('an entity that calls nothing has no dependencies', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/why/configmap/kube-system/coredns', headers: bearer(WRITE_TOKEN) });
    expect(response.statusCode, response.body).toBe(200);
    const why = response.json() as WhyAnswer;
    expect(why.dependencies?.filter((edge) => edge.from.endsWith('/ConfigMap/kube-system/coredns'))).toEqual([]);
  });
});
