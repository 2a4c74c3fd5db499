import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveIncident, LiveWorkspace } from './live-incident.js';
import { startTapio, stopTapio, waitForReady, type TapioProcess } from './tapio-process.js';

/**
 * The tapio.yaml most live-cluster tests run with: the memory graph, the API on the
 * workspace's port, the kubeapi collector under deploy/rbac.yaml's identity; `more` adds
 * top-level sections, `kubeapi` lines of the collector's own (indented by the caller's 4).
 */
export function liveTapioConfig(live: LiveWorkspace, more: { sections?: string[]; kubeapi?: string[] } = {}): string[] {
  return [
    'cluster: local', 'log:', '  level: info', '  format: json', 'graph:', '  type: memory',
    'api:', `  port: ${live.port}`,
    ...(more.sections ?? []),
    'collectors:', '  kubeapi:', `    kubeconfig: ${live.cluster.tapioKubeconfig}`, ...(more.kubeapi ?? []),
  ];
}

/**
 * Writes `config` as the workspace's tapio.yaml, prepares the incident (its objects exist
 * before Tapio lists them), starts `./bin/tapio run` on it and waits until it is ready:
 * the REST API answers and every collector has listed what it watches.
 */
export async function startLiveTapio(live: LiveWorkspace, incident: LiveIncident, config: string[]): Promise<TapioProcess> {
  const file = join(live.dir, 'tapio.yaml');
  await writeFile(file, [...config, ''].join('\n'));
  await incident.step('prepare');
  const tapio = startTapio(['run', '-config', file], live.dir);
  await waitForReady(live.server, tapio);
  return tapio;
}

/** Stops what the test started (by PID, in order), removes the incident's objects and the workspace; safe after a failed start. */
export async function stopLiveTapio(live: LiveWorkspace | undefined, incident: LiveIncident, ...processes: Array<TapioProcess | undefined>): Promise<void> {
  for (const process of processes) await stopTapio(process);
  await incident.step('cleanup').catch(() => undefined);
  if (live?.dir) await rm(live.dir, { recursive: true, force: true });
}
