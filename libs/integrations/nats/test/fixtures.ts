import { insightWith, type Insight, type RawEvent, type UnifiedEvent } from '@tapio/domain';
import type { NatsEventBus } from '../src/index.js';

const AT = '2026-03-02T10:00:00Z';

export function rawPodEvent(name: string, namespace = 'default', watch: 'ADDED' | 'MODIFIED' | 'DELETED' = 'ADDED', resourceVersion = '1'): RawEvent {
  return {
    timestamp: AT,
    source: 'kubeapi',
    type: watch,
    metadata: { cluster: 'test', collector: 'kubeapi' },
    data: { type: watch, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion } } },
  };
}

export function rawKernelEvent(pid: number): RawEvent {
  return { timestamp: AT, source: 'kernel', type: 'oom_kill', metadata: { node: 'worker-1' }, data: { pid, comm: 'java' } };
}

export function unifiedEvent(id: string, kind: string, name: string, namespace: string | null): UnifiedEvent {
  return {
    id,
    type: 'pod_restart',
    timestamp: AT,
    source: 'kubeapi',
    severity: 'medium',
    message: `${kind} ${name} restarted`,
    semantic: { intent: 'restart', category: 'lifecycle', narrative: `${kind} ${name} restarted` },
    entity: namespace ? { kind, name, namespace, cluster: 'test' } : { kind, name, cluster: 'test' },
    processedAt: AT,
  };
}

export function insight(id: string, namespace: string): Insight {
  const entity = { kind: 'ConfigMap', name: 'app-config', namespace, cluster: 'test' };
  return insightWith({
    id,
    title: 'ConfigMap change broke the rollout',
    severity: 'critical',
    confidence: 0.9,
    rootCause: { entity, what: 'data.application.yaml changed' },
    story: 'the config changed, then the pods crashed',
    createdAt: AT,
  });
}

/** Polls until `check` returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Publishes `count` pod events (ids evt-<from>… with their message ids, spread over 7 pods
 * in 5 namespaces) and returns each publish's promise: resolved once acknowledged.
 */
export const publishPodEvents = (publisher: NatsEventBus, from: number, count: number): Array<Promise<void>> =>
  Array.from({ length: count }, (_, n) => {
    const id = `evt-${from + n}`;
    return publisher.publish('unified', unifiedEvent(id, 'Pod', `pod-${n % 7}`, `ns-${n % 5}`), id);
  });
