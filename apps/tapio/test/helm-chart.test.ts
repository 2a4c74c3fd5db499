import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { useTestCluster, type TestCluster } from '../../../tools/k8s/test-cluster.mjs';
import { agentCollectors, CHART, COLLECTORS, documentedPrivileges, helm, privilegesOf, render, renderText, ROOT, withValues, type AgentCollector } from './support/helm-chart.js';

const run = promisify(execFile);

// Every profile the chart offers, each rendered and sent to the real API server of the
// test cluster with `kubectl apply --dry-run=server` (admission and schema validation of
// Kubernetes v1.34, nothing created).
const NEO4J = { graph: { type: 'neo4j', neo4j: { uri: 'bolt://neo4j.graphs:7687', passwordSecret: { name: 'neo4j-auth', key: 'password' } } } };
const PROFILES: Record<string, object> = {
  'all (default: single pod, node agent, NATS)': {},
  'all without the node agent (embedded bus, no NATS)': { agent: { enabled: false } },
  'all on a PVC with an external NATS, a sized old space': { maxOldSpaceMb: 1536, persistence: { type: 'pvc' }, nats: { enabled: false, external: { url: 'nats://nats.bus:4222' } } },
  'all with every collector, API tokens and Secret fingerprints': { ...agentCollectors([...COLLECTORS]), api: { tokenSecret: 'tapio-api' }, kubeapi: { secrets: { read: 'fingerprints', fingerprintKeySecret: { name: 'tapio-key' } }, namespaces: { include: ['shop'], exclude: ['kube-system'] } } },
  'distributed (3 partitions, Neo4j)': { profile: 'distributed', correlation: { partitions: 3 }, ...NEO4J },
};

describe('deploy/helm/tapio', () => {
  let cluster: TestCluster;
  const ns = `helm-chart-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    cluster = await useTestCluster();
    await cluster.kubectl(['create', 'namespace', ns]);
  });
  afterAll(async () => {
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it('passes helm lint with the default values and the distributed profile', async () => {
    expect(await helm(['lint', '--strict', CHART])).toContain('0 chart(s) failed');
    await withValues({ profile: 'distributed', ...NEO4J }, async (file) => expect(await helm(['lint', '--strict', CHART, '-f', file])).toContain('0 chart(s) failed'));
  });

  it.each(Object.entries(PROFILES))('renders %s and the API server accepts every object', async (_name, values) => {
    const manifest = await renderText(values, ns, 'tapio');
    const applied = await cluster.kubectl(['apply', '--dry-run=server', '-n', ns, '-f', '-'], { input: manifest });
    const objects = manifest.split('\n---').filter((doc) => /^kind:/m.test(doc)).length;
    expect(applied.trim().split('\n')).toHaveLength(objects);
    expect(applied).toMatch(/created \(server dry run\)/);
  }, 120_000);

  it.each(Object.entries(PROFILES))('renders tapio.yaml files that tapio config check accepts: %s', async (_name, values) => {
    const config = (await render(values)).find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'tapio-config');
    const dir = await mkdtemp(join(tmpdir(), 'tapio-helm-config-'));
    try {
      for (const [file, text] of Object.entries(config?.data ?? {})) {
        await writeFile(join(dir, file), text);
        // The Secrets the pods get as environment variables, with made-up values.
        const env = { ...process.env, HOST_IP: '10.0.0.1', NEO4J_PASSWORD: 'x', TAPIO_API_TOKEN: 'a-token-of-16-chars', TAPIO_SECRET_FINGERPRINT_KEY: 'k'.repeat(32) };
        const checked = await run('node', [join(ROOT, 'apps/tapio/dist/main.js'), 'config', 'check', join(dir, file)], { env });
        expect(checked.stdout, file).toMatch(/valid/);
      }
      expect(Object.keys(config?.data ?? {}).length).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses values the schema rejects and a distributed profile without a shared graph, saying why', async () => {
    await expect(renderText({ profile: 'bogus' })).rejects.toThrow(/profile/);
    await expect(renderText({ agent: { collectors: { cri: { enabled: true, socket: 'relative.sock' } } } })).rejects.toThrow(/socket/);
    await expect(renderText({ profile: 'distributed' })).rejects.toThrow(/graph/);
    await expect(renderText({ agent: { enabled: true }, nats: { enabled: false } })).rejects.toThrow(/nats.external.url is needed/);
  });

  it('runs the central components as uid 10001 without any capability, and gives a token only to the Kubernetes API collector', async () => {
    for (const values of [{}, PROFILES['distributed (3 partitions, Neo4j)'] as object]) {
      const objects = await render(values);
      const workloads = objects.filter((object) => ['Deployment', 'StatefulSet'].includes(object.kind));
      expect(workloads.length).toBeGreaterThan(0);
      for (const workload of workloads) {
        const pod = (workload.spec as { template: { spec: { serviceAccountName?: string; containers: Array<{ securityContext: Record<string, unknown> }> } } }).template.spec;
        expect(pod.containers[0]?.securityContext, workload.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        const collectsKubeApi = /^tapio(-collector)?$/.test(workload.metadata.name);
        expect(pod.serviceAccountName?.endsWith('-kubeapi'), workload.metadata.name).toBe(collectsKubeApi);
      }
    }
  });

  it('sets the central processes\' old space (--max-old-space-size, which the running modes measure) only when maxOldSpaceMb is given', async () => {
    type Container = { name: string; env?: Array<{ name: string; value?: string }> };
    const nodeOptions = (objects: Awaited<ReturnType<typeof render>>) =>
      objects
        .filter((object) => ['Deployment', 'StatefulSet'].includes(object.kind) && object.metadata.name.startsWith('tapio') && !object.metadata.name.endsWith('-nats') && !object.metadata.name.endsWith('-agent'))
        .map((workload) => [workload.metadata.name, (workload.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]?.env?.find((variable) => variable.name === 'NODE_OPTIONS')?.value]);
    for (const values of [{}, PROFILES['distributed (3 partitions, Neo4j)'] as object]) {
      const unset = nodeOptions(await render(values));
      expect(unset.length).toBeGreaterThan(0);
      expect(unset.every(([, value]) => value === undefined)).toBe(true);
      const sized = nodeOptions(await render({ ...values, maxOldSpaceMb: 1536 }));
      expect(sized.map(([, value]) => value)).toEqual(sized.map(() => '--max-old-space-size=1536'));
    }
    await expect(render({ maxOldSpaceMb: 10 })).rejects.toThrow(/maxOldSpaceMb/);
  });

  it('grants the Kubernetes API collector reads only: get/list/watch, Secrets without get', async () => {
    const role = (await render({})).find((object) => object.kind === 'ClusterRole') as unknown as { rules: Array<{ resources: string[]; verbs: string[] }> };
    for (const rule of role.rules) expect(rule.verbs.every((verb) => ['get', 'list', 'watch'].includes(verb))).toBe(true);
    expect(role.rules.find((rule) => rule.resources.includes('secrets'))?.verbs).toEqual(['list', 'watch']);
    // The same grants as deploy/rbac.yaml, which the kubeapi collector's tests run under.
    const deployRole = parseAllDocuments(await readFile(join(ROOT, 'deploy/rbac.yaml'), 'utf8')).map((doc) => doc.toJS()).find((object) => object?.kind === 'ClusterRole') as { rules: Array<{ resources: string[]; verbs: string[] }> };
    const grants = (rules: Array<{ resources: string[]; verbs: string[] }>) => rules.flatMap((rule) => rule.resources.map((resource) => `${resource}:${[...rule.verbs].sort().join(',')}`)).sort();
    expect(grants(role.rules)).toEqual(grants(deployRole.rules));
  });

  it.each([...COLLECTORS.map((name) => [name]), [...COLLECTORS]] as AgentCollector[][])('gives the node agent with %s exactly the privileges docs/install.md lists for it', async (...enabled) => {
    const table = await documentedPrivileges();
    const objects = await render(agentCollectors(enabled));
    const agent = objects.find((object) => object.kind === 'DaemonSet');
    const pod = (agent?.spec as { template: { spec: Parameters<typeof privilegesOf>[0] } }).template.spec;
    const expected = [...table].filter(([, collectors]) => collectors.some((name) => enabled.includes(name))).map(([privilege]) => privilege).sort();
    expect(privilegesOf(pod)).toEqual(expected);
  });

  it("starts the agent on a node without journald: the journal folders and journald's socket folder are created when missing", async () => {
    // type: Directory on a missing folder holds the whole agent (every collector) in
    // ContainerCreating (FailedMount); a node keeps a persistent or a volatile journal, or none.
    const agent = (await render(agentCollectors(['journal']))).find((object) => object.kind === 'DaemonSet');
    const volumes = (agent?.spec as { template: { spec: { volumes: Array<{ name: string; hostPath?: { path: string; type?: string } }> } } }).template.spec.volumes;
    const typeOf = (path: string) => volumes.find((volume) => volume.hostPath?.path === path)?.hostPath?.type;
    for (const path of ['/var/log/journal', '/run/log/journal', '/run/systemd/journal']) expect(typeOf(path), path).toBe('DirectoryOrCreate');
    expect(typeOf('/etc/machine-id')).toBe('File');
  });

  it('replaces the transformer by stopping it first, and runs only one: its state has one writer', async () => {
    const objects = await render(PROFILES['distributed (3 partitions, Neo4j)'] as object);
    const deployment = (component: string) => objects.find((object) => object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/component'] === component)?.spec as { replicas: number; strategy?: { type: string } };
    expect(deployment('transformer')).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    // The API and the Kubernetes API collector keep rolling updates (no per-object state).
    expect(deployment('api').strategy).toBeUndefined();
    expect(deployment('collector').strategy).toBeUndefined();
    await expect(renderText({ ...(PROFILES['distributed (3 partitions, Neo4j)'] as object), transformer: { replicas: 2 } })).rejects.toThrow(/transformer\.replicas|transformer.*replicas/);
  });

  it('renders the ServiceMonitor and the PrometheusRule of deploy/prometheus/tapio-alerts.yaml behind their flags', async () => {
    expect((await render({})).map((object) => object.kind)).not.toContain('PrometheusRule');
    const objects = await render({ metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true, labels: { release: 'prom' } } } });
    const rule = objects.find((object) => object.kind === 'PrometheusRule');
    const alerts = await readFile(join(ROOT, 'deploy/prometheus/tapio-alerts.yaml'), 'utf8');
    expect(await readFile(join(CHART, 'files/tapio-alerts.yaml'), 'utf8'), 'the chart copy of the alert rules').toBe(alerts);
    expect(rule?.spec).toEqual(parse(alerts));
    expect(rule?.metadata.labels?.release).toBe('prom');
    const monitor = objects.find((object) => object.kind === 'ServiceMonitor') as unknown as { spec: { endpoints: Array<{ port: string }> } };
    expect(monitor.spec.endpoints.map((endpoint) => endpoint.port)).toEqual(['http', 'status']);
  });
});
