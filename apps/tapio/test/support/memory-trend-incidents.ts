import { createHash } from 'node:crypto';
import { KubeletConfig, MemoryTrends, parseQuantity } from '@tapio/collector-kubelet';
import { containerStatus, RecordingEditor, setReady } from './recording-editor.js';
import { normalise, type K8sObject, type RecordedLine } from './recording-variants.js';
import { ref, spec } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

type Json = Record<string, unknown>;
const MIB = 1024 * 1024;
/** The kubelet collector's own trend settings (window, samples, span, horizon), as it runs by default. */
const TREND = KubeletConfig.shape.trend.parse(undefined);

/** How one container's working set goes, in MiB per minute, and how the story ends. */
export interface MemoryCourse {
  /**
   * `oom-killed`: it grows until it reaches its limit and the container is OOM-killed;
   * `levels-off`: it grows toward the limit (a prediction), then levels off well below it and
   * stays there past the prediction's deadline; `flat-noise`: it only jitters around a level;
   * `still-growing`: it grows toward the limit until the recording ends, before the kill (the
   * warning ahead of it is the incident).
   */
  outcome: 'oom-killed' | 'levels-off' | 'flat-noise' | 'still-growing';
  /** Where the working set starts, as a share of the limit. */
  startShare: number;
  growthMiBPerMinute: number;
  /** Half the width of the deterministic jitter on every sample, MiB. */
  jitterMiB: number;
  /** How often the kubelet is polled, seconds. */
  intervalS: number;
  /** Minutes sampled in all (levels-off, flat-noise) or after the kill (oom-killed). */
  minutes: number;
  /** levels-off: minutes of growth before the working set stops growing. */
  growthMinutes?: number;
}

/** A deterministic jitter in [-1, 1] from the seed and the sample. */
function jitter(seed: string, index: number): number {
  const byte = createHash('sha256').update(`${seed}:${index}`).digest()[0] as number;
  return byte / 127.5 - 1;
}

/** The first container of a pod, its node and its memory limit. */
function containerOf(pod: K8sObject): { name: string; node: string; limitBytes: number } {
  const container = (spec(pod)['containers'] as Json[])[0] as Json;
  const limit = ((container['resources'] as Json | undefined)?.['limits'] as Json | undefined)?.['memory'];
  if (typeof limit !== 'string') throw new Error(`pod ${pod.metadata.name} has no memory limit to grow toward`);
  return { name: container['name'] as string, node: spec(pod)['nodeName'] as string, limitBytes: parseQuantity(limit) };
}

/** A kubelet_api line as the collector records it (the node agent's lines carry no API object). */
function kubeletLine(type: string, time: string, node: string, cluster: string, data: Json): RecordedLine {
  return { timestamp: time, type, source: 'kubelet_api', data: { node, time, ...data }, metadata: { node, cluster } } as unknown as RecordedLine;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A container's working set as the kubelet collector reports it on top of a real
 * recording's starting state: `container_usage` on every poll and, when the collector's own
 * least-squares trend (MemoryTrends, with its default settings) reaches the limit within its
 * horizon, `memory_trend`. With `oom-killed` the API server then reports the container
 * OOMKilled and restarted, and the working set starts low again. The right root cause is
 * the growing pod (or its workload); the other outcomes are benign.
 */
export function memoryCourse(recording: readonly RecordedLine[], namespace: string, deployment: string, course: MemoryCourse, seed = 'memory'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const pod = editor.podsOf(namespace, deployment)[0];
  if (!pod) throw new Error(`no pod of Deployment ${namespace}/${deployment} in the recording`);
  const { name: container, node, limitBytes } = containerOf(pod);
  const cluster = recording[0]?.metadata['cluster'] ?? 'default';
  const podRef = { name: pod.metadata.name, namespace, uid: pod.metadata.uid as string };
  const trends = new MemoryTrends(TREND);
  const lines: RecordedLine[] = [];
  editor.advance(60);
  const startMs = Date.parse(editor.now);
  const limitMiB = limitBytes / MIB;
  const perSample = course.intervalS / 60;
  let killedAt: number | undefined;
  let level = course.startShare * limitMiB;
  const total = Math.round((course.outcome === 'oom-killed' ? 120 : course.minutes) / perSample);
  for (let index = 0; index < total; index += 1) {
    const at = startMs + index * course.intervalS * 1000;
    const growing = course.outcome === 'oom-killed' ? killedAt === undefined : course.outcome === 'still-growing' || (course.outcome === 'levels-off' && index * perSample < (course.growthMinutes ?? 0));
    if (growing) level += course.growthMiBPerMinute * perSample;
    // After the kill the restarted container holds a fraction of what it did, and stays there.
    const bytes = Math.min(limitBytes, Math.round((level + course.jitterMiB * jitter(seed, index)) * MIB));
    const time = iso(at);
    lines.push(kubeletLine('container_usage', time, node, cluster, { pod: podRef, container, memory: { workingSetBytes: bytes, limitBytes }, cpu: { usageMillicores: 120 } }));
    const trend = trends.add(container, at, bytes, limitBytes);
    if (trend) lines.push(kubeletLine('memory_trend', time, node, cluster, { pod: podRef, container, workingSetBytes: bytes, limitBytes, ...trend }));
    if (course.outcome === 'oom-killed' && killedAt === undefined && bytes >= limitBytes) {
      killedAt = at;
      level = 0.2 * limitMiB;
    }
    if (killedAt !== undefined && at >= killedAt + course.minutes * 60_000) break;
    if (course.outcome === 'still-growing' && bytes >= limitBytes) throw new Error(`the working set of ${namespace}/${pod.metadata.name} reached its limit: still-growing must end before the kill`);
  }
  if (killedAt !== undefined) {
    editor.advance((killedAt + 2_000 - Date.parse(editor.now)) / 1000);
    editor.modify('Pod', namespace, pod.metadata.name, (object) => {
      containerStatus(object)['state'] = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: iso(startMs), finishedAt: editor.now } };
      setReady(object, false, editor.now);
    });
    editor.advance(1);
    editor.modify('Pod', namespace, pod.metadata.name, (object) => {
      const status = containerStatus(object);
      status['restartCount'] = Number(status['restartCount'] ?? 0) + 1;
      status['lastState'] = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: iso(startMs), finishedAt: editor.now } };
      status['state'] = { running: { startedAt: editor.now } };
    });
    editor.advance(15);
    editor.modify('Pod', namespace, pod.metadata.name, (object) => setReady(object, true, editor.now));
  } else if (course.outcome === 'oom-killed') {
    throw new Error(`the working set of ${namespace}/${pod.metadata.name} never reached its limit: grow faster or sample longer`);
  }
  const accept = course.outcome === 'oom-killed' || course.outcome === 'still-growing' ? [ref(pod), ref(editor.get('Deployment', namespace, deployment)), ...editor.find('ReplicaSet', (rs) => (pod.metadata['ownerReferences'] as Json[]).some((owner) => owner['name'] === rs.metadata.name)).map(ref)] : [];
  return { lines: normalise([...editor.lines, ...lines]), accept };
}
