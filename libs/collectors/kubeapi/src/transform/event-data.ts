import type { KubernetesData } from '@tapio/domain';
import { obj, str, type Json } from './k8s-object.js';

/**
 * What a Kubernetes Event says about itself, as a UnifiedEvent's `kubernetes` part: its reason,
 * type and count, when it first and last happened, who reported it, and the container its
 * involved object's field path names.
 */
export function kubernetesEventData(object: Json, involved: Json, event: { reason: string; eventType: string; count: number; lastSeen: string | undefined }): KubernetesData {
  const fieldPath = str(involved['fieldPath']);
  const container = fieldPath ? /\{(.+)\}/.exec(fieldPath)?.[1] : undefined;
  const source = obj(object['source']);
  const component = str(object['reportingComponent']) || str(source['component']) || str(object['reportingController']);
  return {
    eventReason: event.reason,
    eventType: event.eventType,
    count: event.count,
    ...(str(object['firstTimestamp']) ? { firstTimestamp: str(object['firstTimestamp']) as string } : {}),
    // events.k8s.io Events say when they last happened in their series (or eventTime) instead.
    ...(event.lastSeen ? { lastTimestamp: event.lastSeen } : {}),
    ...(component ? { reportingComponent: component } : {}),
    ...(container ? { container } : {}),
    reason: event.reason,
  };
}
