/**
 * A recording whose events depend on the transformer's memory: pods whose containers keep
 * restarting. Each MODIFIED raises one container's restart count by one, which is a
 * `pod_restart` only when compared with the version before; a transformer that forgot the
 * previous versions (a restart that knows the pods only from the graph) misses them.
 */
export function restartRecording(rawEvents: number, pods = 40): string[] {
  const start = Date.parse('2026-03-02T08:00:00Z');
  const restarts = new Array<number>(pods).fill(0);
  const lines: string[] = [];
  let resourceVersion = 100_000;
  const pod = (index: number, type: 'ADDED' | 'MODIFIED', at: number): string => {
    resourceVersion += 1;
    const count = restarts[index] ?? 0;
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `worker-${index}`,
        namespace: `chaos-${index % 4}`,
        uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        resourceVersion: String(resourceVersion),
        labels: { app: 'worker' },
      },
      spec: { nodeName: `node-${index % 3}`, containers: [{ name: 'app', image: 'registry.local/worker:1' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: count,
            image: 'registry.local/worker:1',
            state: { running: { startedAt: new Date(at).toISOString() } },
            ...(count > 0 ? { lastState: { terminated: { reason: 'Error', exitCode: 1 } } } : {}),
          },
        ],
      },
    };
    return JSON.stringify({ timestamp: new Date(at).toISOString(), source: 'kubeapi', type, metadata: { cluster: 'chaos', collector: 'kubeapi' }, data: { type, object } });
  };
  for (let index = 0; index < Math.min(pods, rawEvents); index += 1) lines.push(pod(index, 'ADDED', start));
  for (let line = lines.length; line < rawEvents; line += 1) {
    const index = line % pods;
    restarts[index] = (restarts[index] ?? 0) + 1;
    lines.push(pod(index, 'MODIFIED', start + line * 100));
  }
  return lines;
}
