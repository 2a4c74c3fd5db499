import type { Correlation, Insight, RawEvent, UnifiedEvent } from '@tapio/domain';
import { CorrelationEngine, FeedbackLedger, loadBuiltinPatterns, builtinCorrelators } from '@tapio/correlation';
import { CriTransformer } from '@tapio/collector-cri';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { describe, expect, it } from 'vitest';
import { containerStatus } from './support/recording-editor.js';
import { readRecording, type RecordedLine } from './support/recording-variants.js';
import { memoryLeak } from './support/synthetic-incidents.js';

const RECORDING = new URL('../../../examples/recordings/benign-rollout.ndjson', import.meta.url);

/** What the CRI collector emits for containerd's /tasks/oom of this pod's first container (labels as the CRI sets them). */
function criOom(line: RecordedLine, secondsEarlier: number): RawEvent {
  const pod = line.data.object;
  const container = containerStatus(pod) as { name: string; containerID?: string };
  const node = String((pod['spec'] as { nodeName?: string }).nodeName);
  const containerId = (container.containerID ?? `containerd://${pod.metadata.uid}-${container.name}`).replace(/^containerd:\/\//, '');
  return {
    timestamp: new Date(Date.parse(line.timestamp) - secondsEarlier * 1000).toISOString(),
    type: 'task_oom',
    source: 'cri',
    metadata: { node, cluster: line.metadata['cluster'] ?? '', k8s_kind: 'Pod', k8s_name: pod.metadata.name, k8s_namespace: pod.metadata.namespace ?? '', k8s_uid: pod.metadata.uid ?? '' },
    data: {
      node,
      namespace: 'k8s.io',
      topic: '/tasks/oom',
      event: { container_id: containerId },
      workload: { containerId, kind: 'container', podName: pod.metadata.name, podNamespace: pod.metadata.namespace, podUid: pod.metadata.uid, containerName: container.name },
    },
  };
}

const isOomKill = (line: RecordedLine) => line.data?.object?.kind === 'Pod' && (containerStatus(line.data.object) as { state?: { terminated?: { reason?: string } } } | undefined)?.state?.terminated?.reason === 'OOMKilled';

function analyze(lines: ReadonlyArray<RecordedLine | RawEvent>): { insights: Insight[]; criEventIds: Set<string>; links: Array<[UnifiedEvent, UnifiedEvent]> } {
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer(), new CriTransformer()], deadLetters: new DeadLetterStore(), validateOutput: true });
  const engine = new CorrelationEngine(builtinCorrelators(), new FeedbackLedger());
  engine.setPatterns(loadBuiltinPatterns());
  const criEventIds = new Set<string>();
  const byId = new Map<string, UnifiedEvent>();
  const correlations: Correlation[] = [];
  lines.forEach((line, index) => {
    const result = pipeline.process(line, `line ${index + 1}`);
    if (!result.ok) throw new Error(`line ${index + 1} rejected: ${result.reason}`);
    for (const event of result.events) {
      if (event.source === 'cri') criEventIds.add(event.id);
      byId.set(event.id, event);
      correlations.push(...engine.process(event).correlations);
    }
  });
  engine.releaseDue(Number.POSITIVE_INFINITY);
  const links = correlations.flatMap((link): Array<[UnifiedEvent, UnifiedEvent]> => {
    const from = byId.get(link.fromEventId);
    const to = byId.get(link.toEventId);
    return from && to ? [[from, to]] : [];
  });
  return { insights: engine.insights(), criEventIds, links };
}

const summary = (insights: Insight[]) => insights.map((insight) => `${insight.pattern ?? '-'} ${insight.rootCause.entity.kind}/${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`).sort();

describe('an OOM kill seen by containerd before the kubelet reports it', () => {
  const { lines } = memoryLeak(readRecording(RECORDING), 'shop', 'checkout');
  const kills = lines.filter(isOomKill);

  it('is one incident with the Kubernetes API view, not two', () => {
    expect(kills.length).toBeGreaterThan(0);
    const withCri = lines.flatMap((line) => (isOomKill(line) ? [criOom(line, 2), line] : [line]));
    const apiOnly = analyze(lines);
    const both = analyze(withCri);
    expect(apiOnly.insights.length).toBeGreaterThan(0);
    // The same incidents, about the same roots: containerd's early view adds none of its own ...
    expect(summary(both.insights)).toEqual(summary(apiOnly.insights));
    // ... and each of its OOM events is linked to the kubelet's report of the same kill: same
    // type, same Pod entity, same container, seconds apart.
    expect(both.criEventIds.size).toBe(kills.length);
    for (const id of both.criEventIds) {
      const partners = both.links.filter(([from, to]) => from.id === id || to.id === id).map(([from, to]) => (from.id === id ? to : from));
      const cri = both.links.flat().find((event) => event.id === id) as UnifiedEvent;
      const same = partners.filter((event) => event.source === 'kubeapi' && event.type === 'oom_killed' && event.entity?.name === cri.entity?.name && event.entity?.namespace === cri.entity?.namespace);
      expect(same.length, `containerd OOM of ${cri.entity?.name} linked to the kubelet's OOMKilled of the same pod`).toBeGreaterThan(0);
      expect(same[0]?.kubernetes?.container).toBe(cri.kubernetes?.container);
    }
  });

  it('near miss: one containerd OOM kill of a pod that is not leaking opens no incident', () => {
    const other = readRecording(RECORDING);
    const { insights } = analyze(other);
    const podLines = other.filter((line) => line.data?.object?.kind === 'Pod' && line.data.object.metadata.namespace === 'shop' && !line.data.object.metadata.name.startsWith('checkout'));
    const single = podLines[podLines.length - 1] as RecordedLine;
    const withOne = analyze([...other, criOom(single, -1)]);
    // One OOM kill of one pod is not an incident pattern by itself: nothing new is reported.
    expect(summary(withOne.insights)).toEqual(summary(insights));
  });
});
