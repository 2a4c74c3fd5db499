// Ballast for the memory-pressure tests: lines of a cluster that make Tapio hold memory.

const line = (at: number, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown) =>
  JSON.stringify({ timestamp: new Date(at).toISOString(), source: 'kubeapi', type, metadata: { cluster: 'prod-west', collector: 'kubeapi' }, data: { type, object } });

/**
 * A Kubernetes Event with a 2,000-character note about one of ten pods: one `k8s_event` in
 * the engine's window each. 2,000 Event objects take turns (an Event object seen again
 * after the transformer's refold time, 10 minutes, is a new occurrence), so at 0.5 s apart
 * the transformer remembers 2,000 objects however many notes are sent.
 */
export function ballastNote(index: number, at: number): string {
  const slot = index % 2_000;
  const note = `note ${index}: `.padEnd(2_000, `${index % 97} busy `);
  return line(at, 'MODIFIED', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `noisy.${slot}`, namespace: 'ballast', uid: `ballast-note-${slot}`, resourceVersion: String(40_000_000 + index) },
    involvedObject: { kind: 'Pod', name: `noisy-${index % 10}`, namespace: 'ballast' },
    reason: 'BallastNote',
    message: note,
    type: 'Normal',
    count: Math.floor(index / 2_000) + 1,
    firstTimestamp: new Date(at).toISOString(),
    lastTimestamp: new Date(at).toISOString(),
    source: { component: 'ballast' },
  });
}

/** A ballast pod: one of many a namespace grows by, with 40 labels of 60 characters: what Tapio keeps of a live pod (its topology node, its last versions) is 8-11 KB. */
export function ballastPod(index: number, type: 'ADDED' | 'DELETED', at: number, version: number): string {
  const labels = Object.fromEntries(Array.from({ length: 40 }, (_, label) => [`ballast.example.com/label-${label}`, `${index}-${label}-`.padEnd(60, 'v')]));
  return line(at, type, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `ballast-${index}`,
      namespace: 'ballast',
      uid: `ballast-uid-${index}`,
      resourceVersion: String(version),
      creationTimestamp: new Date(at).toISOString(),
      labels: { app: `ballast-${index % 40}`, ...labels },
    },
    spec: { nodeName: `node-${index % 8}`, containers: [{ name: 'app', image: 'registry.local/ballast:1', env: [{ name: 'INDEX', value: String(index) }] }] },
    status: { phase: 'Running', podIP: `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`, conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
  });
}
