import { z } from 'zod';
import { EntityRef } from '../entities/entity-ref.js';
import { K8sObjectFacts, OwnerReference } from '../entities/k8s-object-facts.js';
import { EventCategory, EventType } from './event-type.js';
import { Severity } from './severity.js';

export const TraceContext = z.object({
  traceId: z.string().min(1),
  spanId: z.string().min(1).optional(),
  parentSpanId: z.string().min(1).optional(),
});
export type TraceContext = z.infer<typeof TraceContext>;

export const SemanticContext = z.object({
  /** What happened, as a verb phrase key: "config-change", "oom-kill", "crash-loop". */
  intent: z.string().min(1),
  category: EventCategory,
  /** One human sentence. */
  narrative: z.string(),
  tags: z.array(z.string()).optional(),
});
export type SemanticContext = z.infer<typeof SemanticContext>;

export const K8sContext = z.object({
  cluster: z.string().optional(),
  kind: z.string().min(1),
  namespace: z.string().nullish(),
  name: z.string().min(1),
  uid: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
  nodeName: z.string().optional(),
});
export type K8sContext = z.infer<typeof K8sContext>;

export const KernelData = z.object({
  pid: z.number().int().nonnegative().optional(),
  tid: z.number().int().nonnegative().optional(),
  ppid: z.number().int().nonnegative().optional(),
  comm: z.string().optional(),
  filename: z.string().optional(),
  cgroupId: z.string().optional(),
  cgroupPath: z.string().optional(),
  containerId: z.string().optional(),
  podUid: z.string().optional(),
  systemdUnit: z.string().optional(),
  exitCode: z.number().int().optional(),
  signal: z.number().int().optional(),
  signalName: z.string().optional(),
  rssBytes: z.number().nonnegative().optional(),
  memoryCgroup: z.string().optional(),
});
export type KernelData = z.infer<typeof KernelData>;

export const NetworkData = z.object({
  protocol: z.string().optional(),
  srcIp: z.string().optional(),
  srcPort: z.number().int().optional(),
  dstIp: z.string().optional(),
  dstPort: z.number().int().optional(),
  state: z.string().optional(),
  errno: z.number().int().optional(),
  errnoName: z.string().optional(),
  attempts: z.number().int().optional(),
  retransmits: z.number().int().optional(),
  dstService: z.string().optional(),
  dnsQuery: z.string().optional(),
  dnsType: z.string().optional(),
  dnsRcode: z.string().optional(),
  latencyMs: z.number().nonnegative().optional(),
});
export type NetworkData = z.infer<typeof NetworkData>;

/** One line of a configuration value that changed (a ConfigMap key's text). */
export const ChangedLine = z.object({
  /** 1-based: the line in the new text (edited or added), or in the old text (removed). */
  line: z.number().int().positive(),
  /** The old line; absent when the line was added. */
  before: z.string().optional(),
  /** The new line; absent when the line was removed. */
  after: z.string().optional(),
});
export type ChangedLine = z.infer<typeof ChangedLine>;

export const ChangeItem = z.object({
  /** Dotted path of what changed: "data.application.yaml", "spec.template.containers[app].image". */
  path: z.string(),
  op: z.enum(['added', 'removed', 'changed']),
  before: z.string().optional(),
  after: z.string().optional(),
  /** The changed lines of a text value whose previous version Tapio kept (ConfigMap data, never Secrets), bounded by limits.maxChangedLines. */
  lines: z.array(ChangedLine).optional(),
  /** Changed lines left out of `lines` by the limit. */
  moreLines: z.number().int().positive().optional(),
  /** Size of the new value in bytes (binaryData, or a value too large to keep), or of the old one when removed. */
  bytes: z.number().int().nonnegative().optional(),
});
export type ChangeItem = z.infer<typeof ChangeItem>;

export const KubernetesData = z.object({
  /** ADDED / MODIFIED / DELETED for watch events; absent for derived signals. */
  watchType: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'SYNC']).optional(),
  reason: z.string().optional(),
  /** The object as Tapio keeps it (topology facts); present on lifecycle events. */
  object: K8sObjectFacts.optional(),
  /** Semantic diff against the previous state, on updates. */
  changes: z.array(ChangeItem).optional(),
  container: z.string().optional(),
  restartCount: z.number().int().optional(),
  restartDelta: z.number().int().optional(),
  exitCode: z.number().int().optional(),
  /** Kubernetes Event object fields, folded: one signal with a count. */
  eventReason: z.string().optional(),
  eventType: z.string().optional(),
  count: z.number().int().optional(),
  firstTimestamp: z.string().optional(),
  lastTimestamp: z.string().optional(),
  reportingComponent: z.string().optional(),
  condition: z.string().optional(),
  conditionStatus: z.string().optional(),
});
export type KubernetesData = z.infer<typeof KubernetesData>;

export const ApplicationData = z.object({
  level: z.string().optional(),
  message: z.string().optional(),
  logger: z.string().optional(),
  unit: z.string().optional(),
  fields: z.record(z.string(), z.string()).optional(),
});
export type ApplicationData = z.infer<typeof ApplicationData>;

export const MetricsData = z.record(z.string(), z.number());
export type MetricsData = z.infer<typeof MetricsData>;

export const ImpactContext = z.object({
  severity: Severity.optional(),
  /** 0..1, how much of the business this touches. */
  businessImpact: z.number().min(0).max(1).optional(),
  affectedServices: z.array(z.string()).optional(),
  customerFacing: z.boolean().optional(),
});
export type ImpactContext = z.infer<typeof ImpactContext>;

export const UnifiedEvent = z.object({
  id: z.string().min(1),
  type: EventType,
  timestamp: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  severity: Severity,
  message: z.string(),
  traceContext: TraceContext.optional(),
  semantic: SemanticContext,
  k8sContext: K8sContext.optional(),
  /** The entity this event is about; graph AFFECTS edge target. */
  entity: EntityRef.optional(),
  kernel: KernelData.optional(),
  network: NetworkData.optional(),
  kubernetes: KubernetesData.optional(),
  application: ApplicationData.optional(),
  metrics: MetricsData.optional(),
  impact: ImpactContext.optional(),
  /** Entity keys this event should be correlated with (owners, mounts, node). */
  correlationHints: z.array(z.string()).optional(),
  processedAt: z.iso.datetime({ offset: true }),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type UnifiedEvent = z.infer<typeof UnifiedEvent>;
