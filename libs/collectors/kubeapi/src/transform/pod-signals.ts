import { evictionRequestKey, evictionUsageKey, type ContainerFacts, type K8sObjectFacts } from '@tapio/domain';
import { initContainerFacts } from './facts.js';
import { arr, obj, str, type Json } from './k8s-object.js';
import { causeAnnotations, pressureEviction, schedulingBlock, storageLimitEvicted } from './cause-messages.js';
import type { Signal } from './signal.js';

/**
 * What the kubelet's eviction message says, as annotations: for a node-pressure eviction the
 * resource it reclaimed (`eviction.resource`) and the pod's figures of it (`memory.usage_bytes`,
 * `storage.usage_bytes`, with the request beside), or which of its own storage limits the pod
 * broke (`eviction.limit`). Read the same from the `Evicted` Event and from the pod's own status.
 */
export function evictionAnnotations(message: string): Record<string, string> | undefined {
  const pressure = pressureEviction(message);
  if (pressure) {
    const annotations: Record<string, string> = { 'eviction.resource': pressure.resource };
    const usageKey = evictionUsageKey(pressure.resource);
    const requestKey = evictionRequestKey(pressure.resource);
    if (usageKey && requestKey && pressure.usageBytes !== undefined) {
      annotations[usageKey] = String(pressure.usageBytes);
      annotations[requestKey] = String(pressure.requestBytes ?? 0);
    }
    return annotations;
  }
  const limit = storageLimitEvicted(message);
  return limit ? { 'eviction.limit': limit } : undefined;
}

const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable']);
const CONFIG_ERROR_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** What we remember of a pod between versions beyond its facts. */
export interface PodMemory {
  scheduledReason: string | undefined;
  statusReason: string | undefined;
  /** The DisruptionTarget condition's reason while it is True (EvictionByEvictionAPI, PreemptionByScheduler, ...). */
  disruption?: string | undefined;
  /** Its deletion was asked (metadata.deletionTimestamp): a scale-down, a rollout retiring it, `kubectl delete`. */
  deleting?: true;
  /** Its init containers, when it has any: not among its facts' containers, and their restarts are failures too. */
  initContainers?: ContainerFacts[];
}

export function podMemory(object: Json): PodMemory {
  const status = obj(object['status']);
  const scheduled = arr(status['conditions']).find((condition) => condition['type'] === 'PodScheduled');
  const disruption = arr(status['conditions']).find((condition) => condition['type'] === 'DisruptionTarget' && condition['status'] === 'True');
  const initContainers = initContainerFacts(object);
  return {
    scheduledReason: scheduled && scheduled['status'] === 'False' ? str(scheduled['reason']) : undefined,
    statusReason: str(status['reason']),
    ...(disruption ? { disruption: str(disruption['reason']) ?? 'DisruptionTarget' } : {}),
    ...(str(obj(object['metadata'])['deletionTimestamp']) ? { deleting: true as const } : {}),
    ...(initContainers ? { initContainers } : {}),
  };
}

/**
 * The containers whose memory limit the LimitRanger admission plugin set from its namespace's
 * default (`kubernetes.io/limit-ranger: LimitRanger plugin set: memory request for container app;
 * memory limit for container app`): a kill at that limit is the default's doing, not the pod
 * spec's, whose template never asked for one.
 */
export function limitRangerMemoryDefaults(object: Json): ReadonlySet<string> {
  const note = str(obj(obj(object['metadata'])['annotations'])['kubernetes.io/limit-ranger']);
  if (!note) return NO_NAMES;
  const names = new Set<string>();
  for (const match of note.matchAll(/memory limit for (?:init )?container ([a-z0-9][a-z0-9.-]*)/g)) names.add(match[1] as string);
  return names;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** What a program writes when the disk it writes to is full (ENOSPC), or its quota on it ran out. */
const DISK_FULL = /No space left on device|ENOSPC|Disk quota exceeded/i;

/**
 * Whether the container's last exit was for a full disk, by its termination message (what it
 * wrote to /dev/termination-log or, with FallbackToLogsOnError, its last log lines): a volume or
 * filesystem it writes to is full, which no restart mends. Only that fact is kept, never the text.
 */
function exitedForFullDisk(status: Json): boolean {
  const message = str(obj(obj(status['state'])['terminated'])['message']) ?? str(obj(obj(status['lastState'])['terminated'])['message']);
  return message !== undefined && DISK_FULL.test(message);
}

const DISK_FULL_NOTE = { annotations: { 'storage.full': 'true' } };

/** What a client of the API writes when the kind it watches or writes is not served (its CustomResourceDefinition gone); its quotes escaped inside a JSON log line. */
const NO_KIND = /no matches for kind \\?"([A-Z][A-Za-z0-9]*)\\?" in version \\?"([a-z0-9.-]+\.[a-z0-9.-]+)\/[a-z0-9]+\\?"/;

/** The plural a CustomResourceDefinition is named by (`kafkatopics.kafka.strimzi.io` for KafkaTopic): what `kubectl` derives too. */
function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return /(s|x|z|ch|sh)$/.test(lower) ? `${lower}es` : `${lower}s`;
}

/**
 * The CustomResourceDefinition a container's last exit says is missing ("no matches for kind
 * "KafkaTopic" in version "kafka.strimzi.io/v1beta2"": an operator or client whose kind the API
 * no longer serves), named as the object, `plural.group`; the correlation names it only when it
 * knows the object (watched, deleted or not). Only the kind and group are kept, never the text.
 */
function missingKindOf(status: Json): { annotations: Record<string, string>; words: string } | undefined {
  const message = str(obj(obj(status['state'])['terminated'])['message']) ?? str(obj(obj(status['lastState'])['terminated'])['message']);
  const match = message === undefined ? null : NO_KIND.exec(message);
  if (!match) return undefined;
  const [, kind, group] = match as unknown as [string, string, string];
  return { annotations: causeAnnotations({ kind: 'CustomResourceDefinition', name: `${pluralOf(kind)}.${group}` }), words: `; it exited because the API serves no kind ${kind} in ${group}` };
}

/** An OOM kill at a limit the LimitRanger set: blamed on the namespace's LimitRange (the correlation finds which). */
const LIMIT_RANGE_CAUSE = causeAnnotations({ kind: 'LimitRange' });

function isOom(reason: string | undefined, exitCode: number | undefined): boolean {
  return reason === 'OOMKilled' || (exitCode === 137 && (reason === undefined || reason === 'OOMKilled'));
}

/**
 * A container's restart, OOM kill, crash loop, failed pull or failed start, from its previous
 * and current state; `who` names it in messages ("Container app of pod shop/web-1").
 */
function containerSignals(signals: Signal[], container: ContainerFacts, old: ContainerFacts | undefined, status: Json, who: string, defaulted: ReadonlySet<string>): void {
  const oomCause = defaulted.has(container.name) ? { annotations: { ...LIMIT_RANGE_CAUSE, 'memory.limit_from': 'LimitRange' } } : {};
  const restarts = container.restartCount ?? 0;
  const delta = old ? restarts - (old.restartCount ?? 0) : 0;
  // Read only for what says it (a restart, a crash loop): every other pod version skips it.
  const exited = delta > 0 || container.stateReason === 'CrashLoopBackOff';
  const full = exited && exitedForFullDisk(status);
  const missing = exited && !full ? missingKindOf(status) : undefined;
  const fullNote = full ? DISK_FULL_NOTE : missing ? { annotations: missing.annotations } : {};
  const fullWords = full ? '; it exited for a full disk (No space left on device)' : (missing?.words ?? '');
  const terminated = obj(obj(status['state'])['terminated']);
  if (delta > 0) {
    const reason = container.lastTerminationReason;
    const exitCode = container.lastExitCode;
    signals.push({
      type: 'pod_restart',
      key: `restart:${container.name}:${restarts}`,
      message: `${who} restarted (${restarts} restarts${reason ? `, last exit: ${reason}` : ''}${exitCode !== undefined ? ` code ${exitCode}` : ''})${fullWords}`,
      kubernetes: {
        container: container.name,
        restartCount: restarts,
        restartDelta: delta,
        ...(reason ? { reason } : {}),
        ...(exitCode !== undefined ? { exitCode } : {}),
      },
      ...fullNote,
    });
    // A kill already reported when the container was seen terminated is the same kill, now restarted.
    const reportedWhenTerminated = old?.state === 'terminated' && old.stateReason === 'OOMKilled';
    if (isOom(reason, exitCode) && !reportedWhenTerminated) {
      signals.push({
        type: 'oom_killed',
        key: `oom:${container.name}:${restarts}`,
        message: `${who} was OOMKilled (exit ${exitCode ?? 137})${container.memoryLimitBytes ? `, memory limit ${Math.round(container.memoryLimitBytes / 2 ** 20)}Mi` : ''}`,
        kubernetes: { container: container.name, reason: 'OOMKilled', exitCode: exitCode ?? 137, restartCount: restarts },
        ...oomCause,
      });
    }
  } else if (container.state === 'terminated' && old?.state !== 'terminated') {
    const reason = str(terminated['reason']);
    const exitCode = typeof terminated['exitCode'] === 'number' ? terminated['exitCode'] : undefined;
    if (isOom(reason, exitCode)) {
      signals.push({
        type: 'oom_killed',
        key: `oom:${container.name}:${restarts}:terminated`,
        message: `${who} was OOMKilled (exit ${exitCode ?? 137})`,
        kubernetes: { container: container.name, reason: 'OOMKilled', exitCode: exitCode ?? 137, restartCount: restarts },
        ...oomCause,
      });
    }
  }
  const waiting = container.state === 'waiting' ? container.stateReason : undefined;
  const wasWaiting = old?.state === 'waiting' ? old.stateReason : undefined;
  if (waiting && waiting !== wasWaiting) {
    const message = str(obj(obj(status['state'])['waiting'])['message']);
    if (waiting === 'CrashLoopBackOff') {
      signals.push({
        type: 'crash_loop',
        key: `crashloop:${container.name}:${restarts}`,
        message: `${who} is in CrashLoopBackOff (${restarts} restarts${container.lastTerminationReason ? `, last exit: ${container.lastTerminationReason}` : ''}${container.lastExitCode !== undefined ? ` code ${container.lastExitCode}` : ''})${fullWords}`,
        kubernetes: { container: container.name, reason: waiting, restartCount: restarts, ...(container.lastExitCode !== undefined ? { exitCode: container.lastExitCode } : {}) },
        ...fullNote,
      });
    } else if (IMAGE_PULL_REASONS.has(waiting)) {
      signals.push({
        type: 'image_pull_failed',
        key: `imagepull:${container.name}:${waiting}`,
        message: `${who} cannot pull image ${container.image ?? ''}: ${waiting}${message ? ` (${message})` : ''}`,
        kubernetes: { container: container.name, reason: waiting },
      });
    } else if (CONFIG_ERROR_REASONS.has(waiting)) {
      signals.push({
        type: 'pod_failed',
        key: `configerror:${container.name}:${waiting}`,
        message: `${who} cannot start: ${waiting}${message ? ` (${message})` : ''}`,
        kubernetes: { container: container.name, reason: waiting },
      });
    }
  }
}

/**
 * Failure signals of a pod, from its previous and current state. Without a previous
 * state (the first sight of a pod), only conditions that are bad right now are
 * reported; restarts need a previous count to be a delta.
 */
export function podSignals(previous: { facts: K8sObjectFacts; memory: PodMemory } | undefined, facts: K8sObjectFacts, memory: PodMemory, object: Json): Signal[] {
  const signals: Signal[] = [];
  const name = `${facts.namespace ?? ''}/${facts.name}`;
  const before = new Map((previous?.facts.containers ?? []).map((container) => [container.name, container]));
  const statuses = new Map(arr(obj(object['status'])['containerStatuses']).map((item) => [str(item['name']) ?? '', item]));

  const defaulted = limitRangerMemoryDefaults(object);
  for (const container of facts.containers ?? []) containerSignals(signals, container, before.get(container.name), statuses.get(container.name) ?? {}, `Container ${container.name} of pod ${name}`, defaulted);
  if (memory.initContainers) {
    const initBefore = new Map((previous?.memory.initContainers ?? []).map((container) => [container.name, container]));
    const initStatuses = new Map(arr(obj(object['status'])['initContainerStatuses']).map((item) => [str(item['name']) ?? '', item]));
    for (const container of memory.initContainers) containerSignals(signals, container, initBefore.get(container.name), initStatuses.get(container.name) ?? {}, `Init container ${container.name} of pod ${name}`, defaulted);
  }

  const phase = facts.phase;
  const previousPhase = previous?.facts.phase;
  if (phase !== previousPhase) {
    if (phase === 'Failed' && (memory.disruption !== undefined || memory.deleting) && memory.statusReason !== 'Evicted') {
      // Taken down on purpose (a drain's eviction, a preemption: pod_disrupted said so; a pod whose deletion was
      // asked, stopped by SIGTERM, which many programs answer with a non-zero exit): not a failure.
    } else if (phase === 'Failed') {
      const evicted = memory.statusReason === 'Evicted';
      const statusMessage = str(obj(object['status'])['message']);
      const annotations = evicted ? evictionAnnotations(statusMessage ?? '') : undefined;
      signals.push({
        type: evicted ? 'pod_evicted' : 'pod_failed',
        key: `phase:${phase}`,
        message: evicted ? `Pod ${name} was evicted${statusMessage ? `: ${statusMessage}` : ''}` : `Pod ${name} failed${memory.statusReason ? `: ${memory.statusReason}` : ''}${statusMessage ? ` (${statusMessage})` : ''}`,
        kubernetes: { ...(memory.statusReason ? { reason: memory.statusReason } : {}) },
        ...(annotations ? { annotations } : {}),
        ...(annotations?.['eviction.resource'] !== undefined ? { severity: 'high' as const } : {}),
      });
    } else if (phase === 'Succeeded' && previous) {
      signals.push({ type: 'pod_completed', key: 'phase:Succeeded', message: `Pod ${name} completed` });
    }
  }
  if (memory.scheduledReason === 'Unschedulable' && previous?.memory.scheduledReason !== 'Unschedulable') {
    const scheduled = arr(obj(object['status'])['conditions']).find((condition) => condition['type'] === 'PodScheduled');
    const why = str(scheduled?.['message']);
    const blocked = why ? schedulingBlock(why) : undefined;
    signals.push({
      type: 'pod_unschedulable',
      key: 'unschedulable',
      message: `Pod ${name} cannot be scheduled${why ? `: ${why}` : ''}`,
      kubernetes: { reason: 'Unschedulable' },
      ...(blocked ? { annotations: { 'scheduling.blocked_by': blocked } } : {}),
    });
  }
  if (memory.disruption && memory.disruption !== previous?.memory.disruption) {
    // Taken away on purpose (eviction API of a drain, scheduler preemption, taint manager): said as what it is.
    signals.push({ type: 'pod_disrupted', key: `disruption:${memory.disruption}`, severity: 'info', message: `Pod ${name} is being taken down: ${memory.disruption}`, kubernetes: { reason: memory.disruption } });
  }
  if (previous && facts.ready !== undefined && previous.facts.ready !== undefined && facts.ready !== previous.facts.ready && phase === 'Running') {
    signals.push(
      facts.ready
        ? { type: 'pod_ready', key: 'ready:true', message: `Pod ${name} became ready` }
        : { type: 'pod_not_ready', key: 'ready:false', message: `Pod ${name} is no longer ready`, kubernetes: { condition: 'Ready', conditionStatus: 'False' } },
    );
  }
  return signals;
}

/**
 * Marks the signals of containers the pod's controller never asked for: a container whose name
 * is not in the controller's template (`templateContainers`) was added at admission by a
 * mutating webhook (a service mesh's proxy, a log shipper). Its failure is the injector's
 * doing before it is the workload's: `container.injected: "true"`, and `container.injectors`
 * the Services the cluster's mutating webhooks call (`namespace/name`, comma-separated), asked
 * only when such a container is found. Signals without a container, or when the template is
 * unknown, pass unchanged.
 */
export function markInjected(signals: Signal[], templateContainers: readonly string[] | undefined, injectors: () => readonly string[]): Signal[] {
  if (!templateContainers?.length || signals.length === 0) return signals;
  let services: readonly string[] | undefined;
  return signals.map((signal) => {
    const container = signal.kubernetes?.container;
    if (!container || templateContainers.includes(container)) return signal;
    services ??= injectors();
    return { ...signal, annotations: { ...signal.annotations, 'container.injected': 'true', ...(services.length ? { 'container.injectors': services.join(',') } : {}) } };
  });
}
