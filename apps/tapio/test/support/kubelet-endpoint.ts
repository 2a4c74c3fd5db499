import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestCluster } from '../../../../tools/k8s/test-cluster.mjs';

/** The test cluster's kubelet: its secure port, its self-signed serving certificate (issued for the node's name) and the node. */
export async function kubeletOf(cluster: TestCluster): Promise<{ endpoint: string; host: string; port: number; ca: string; node: string }> {
  const state = await readFile(join(cluster.home, 'state.env'), 'utf8');
  const port = /^KUBELET_PORT=(\d+)$/m.exec(state)?.[1];
  if (!port) throw new Error(`no KUBELET_PORT in ${cluster.home}/state.env`);
  const host = new URL(cluster.server).hostname;
  return { endpoint: `https://${host}:${port}`, host, port: Number(port), ca: join(cluster.home, 'data/kubelet/pki/kubelet.crt'), node: 'tapio-node' };
}

/** A token of the node agent's ServiceAccount (deploy/rbac-node-agent.yaml, applied here), as a DaemonSet pod would have it. */
export async function nodeAgentToken(cluster: TestCluster, root: string): Promise<string> {
  await cluster.kubectl(['apply', '-f', join(root, 'deploy/rbac-node-agent.yaml')]);
  return (await cluster.kubectl(['-n', 'tapio', 'create', 'token', 'tapio-node-agent', '--duration=1h'])).trim();
}
