// The chart deploy/helm/tapio for tests: helm (built by tools/setup.d/65-helm.sh), rendering
// with values, and the node agent's privileges as docs/install.md lists them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { goTool } from '../../../../tools/go-tools/go-tools.mjs';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CHART = join(ROOT, 'deploy/helm/tapio');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** Runs helm; rejects with its output when it fails. */
export function helm(args: string[], options: { kubeconfig?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, HELM_CACHE_HOME: join(tmpdir(), 'tapio-helm-cache'), HELM_CONFIG_HOME: join(tmpdir(), 'tapio-helm-config'), HELM_DATA_HOME: join(tmpdir(), 'tapio-helm-data'), ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}) };
    execFile(goTool('helm'), args, { env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`helm ${args.join(' ')} failed: ${stderr.trim() || stdout.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Writes values to a temporary file and runs `fn` with its path. */
export async function withValues<T>(values: object, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tapio-helm-values-'));
  try {
    const file = join(dir, 'values.json');
    await writeFile(file, JSON.stringify(values));
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `helm template` of the chart with these values; the manifest text. */
export function renderText(values: object, namespace = 'tapio', release = 'tapio'): Promise<string> {
  return withValues(values, (file) => helm(['template', release, CHART, '--namespace', namespace, '-f', file]));
}

export async function render(values: object, namespace = 'tapio', release = 'tapio'): Promise<K8sObject[]> {
  return parseAllDocuments(await renderText(values, namespace, release))
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

export const COLLECTORS = ['kernel', 'dns', 'journal', 'cri', 'kubelet', 'cni', 'etcd'] as const;
export type AgentCollector = (typeof COLLECTORS)[number];

/** Values that turn on exactly these node agent collectors. */
export function agentCollectors(enabled: readonly AgentCollector[]): object {
  return { agent: { collectors: Object.fromEntries(COLLECTORS.map((name) => [name, { enabled: enabled.includes(name) }])) } };
}

interface PodSpec {
  automountServiceAccountToken?: boolean;
  hostPID?: boolean;
  hostNetwork?: boolean;
  containers: Array<{ securityContext?: { privileged?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean; capabilities?: { add?: string[]; drop?: string[] }; seccompProfile?: { type: string } } }>;
  volumes?: Array<{ hostPath?: { path: string } }>;
}

/** The privileges of a rendered pod, named as docs/install.md names them. */
export function privilegesOf(pod: PodSpec): string[] {
  const found: string[] = [];
  if (pod.hostPID) found.push('hostPID');
  if (pod.hostNetwork) found.push('hostNetwork');
  if (pod.automountServiceAccountToken !== false) found.push('serviceAccountToken');
  for (const container of pod.containers) {
    const context = container.securityContext ?? {};
    if (context.privileged) found.push('privileged');
    if (context.allowPrivilegeEscalation !== false) found.push('allowPrivilegeEscalation');
    if (!context.capabilities?.drop?.includes('ALL')) found.push('capabilities not dropped');
    if (context.runAsUser === 0 || context.runAsUser === undefined) found.push('runAsUser: 0');
    for (const capability of context.capabilities?.add ?? []) found.push(`capability: ${capability}`);
    if (context.seccompProfile?.type === 'Unconfined') found.push('seccompProfile: Unconfined');
  }
  for (const volume of pod.volumes ?? []) if (volume.hostPath) found.push(`hostPath: ${volume.hostPath.path}`);
  return [...new Set(found)].sort();
}

/** docs/install.md's "Node agent privileges" table: each privilege and the collectors that need it. */
export async function documentedPrivileges(): Promise<Map<string, AgentCollector[]>> {
  const text = await readFile(join(ROOT, 'docs/install.md'), 'utf8');
  const section = text.split('## Node agent privileges')[1]?.split('\n## ')[0];
  if (!section) throw new Error('docs/install.md has no "## Node agent privileges" section');
  const table = new Map<string, AgentCollector[]>();
  for (const line of section.split('\n')) {
    const match = /^\| `([^`]+)` \| ([a-z, ]+) \|/.exec(line);
    if (match) table.set(match[1] as string, (match[2] as string).split(',').map((name) => name.trim() as AgentCollector));
  }
  if (table.size === 0) throw new Error('docs/install.md: the "Node agent privileges" table has no rows');
  return table;
}
