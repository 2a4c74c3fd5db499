import { partitionKey, partitionOf, rawPartitionKey, type BusMessages, type BusTopic, type Insight, type RawEvent, type UnifiedEvent } from '@tapio/domain';

/**
 * Subject layout, one stream per topic, the partition always in the LAST token so the
 * seed's prefixes (`raw.kubeapi.pod.>`, `unified.pod.default.>`) keep matching:
 *
 *   raw.<source>.<kind>.<verb>.<part>         raw.kubeapi.pod.create.p3
 *   unified.<kind>.<namespace>.<name>.<part>  unified.pod.default.nginx-7d8f.p3
 *   insights.<severity>.<namespace>.<part>    insights.critical.payments.p3
 *
 * `<part>` is `p<N>` (N = partitionOf(key, partitions)) or `all` for messages without
 * a partition key (cluster-scoped objects), which every partitioned worker receives.
 */
export const TOPIC_TOKENS: Record<BusTopic, number> = { raw: 3, unified: 3, insights: 2 };
export const BROADCAST_TOKEN = 'all';

/** A single subject token: no dots, wildcards or whitespace; `_` for empty. */
export function subjectToken(text: string | null | undefined): string {
  if (!text) return '_';
  const token = text.replace(/[^A-Za-z0-9_-]/g, '_');
  return token.length > 0 ? token : '_';
}

const WATCH_VERBS: Record<string, string> = { ADDED: 'create', MODIFIED: 'update', DELETED: 'delete', BOOKMARK: 'bookmark', SYNC: 'sync' };

/** `<kind>.<verb>` of a RawEvent: the watched object's kind and the watch verb for kubeapi, the event type otherwise. */
export function rawKindVerb(raw: RawEvent): [string, string] {
  const watch = raw.data as { type?: unknown; object?: { kind?: unknown } } | null;
  if (raw.source === 'kubeapi' && watch && typeof watch === 'object') {
    const kind = typeof watch.object?.kind === 'string' ? watch.object.kind : raw.metadata['k8s_kind'];
    const type = typeof watch.type === 'string' ? watch.type : raw.type;
    return [subjectToken(kind?.toLowerCase()), WATCH_VERBS[type] ?? subjectToken(type.toLowerCase())];
  }
  // "oom_kill" -> oom.kill, "network.connect" -> network.connect, "exec" -> exec.event
  const [kind = '_', ...rest] = raw.type.toLowerCase().split(/[._:/\s-]+/).filter(Boolean);
  return [subjectToken(kind), rest.length > 0 ? subjectToken(rest.join('_')) : 'event'];
}

/** Partition key of a message on any topic; null: every partitioned worker gets it. */
export function messagePartitionKey<T extends BusTopic>(topic: T, message: BusMessages[T]): string | null {
  if (topic === 'unified') return partitionKey(message as UnifiedEvent);
  if (topic === 'raw') return rawPartitionKey(message as RawEvent);
  const insight = message as Insight;
  return partitionKey({ entity: { ...insight.rootCause.entity, cluster: insight.rootCause.entity.cluster ?? insight.cluster } });
}

export function partitionToken(key: string | null, partitions: number): string {
  return key === null ? BROADCAST_TOKEN : `p${partitionOf(key, partitions)}`;
}

/** `subject` under an optional installation prefix (several Tapios sharing one NATS account). */
export function scoped(prefix: string, subject: string): string {
  return prefix ? `${prefix}.${subject}` : subject;
}

export function subjectFor<T extends BusTopic>(topic: T, message: BusMessages[T], partitions: number, prefix = ''): string {
  return scoped(prefix, unscopedSubject(topic, message, partitions));
}

function unscopedSubject<T extends BusTopic>(topic: T, message: BusMessages[T], partitions: number): string {
  const part = partitionToken(messagePartitionKey(topic, message), partitions);
  if (topic === 'raw') {
    const raw = message as RawEvent;
    const [kind, verb] = rawKindVerb(raw);
    return `raw.${subjectToken(raw.source.toLowerCase())}.${kind}.${verb}.${part}`;
  }
  if (topic === 'unified') {
    const event = message as UnifiedEvent;
    const entity = event.entity ?? event.k8sContext;
    if (!entity) return `unified.${subjectToken(event.type)}._._.${part}`;
    return `unified.${subjectToken(entity.kind.toLowerCase())}.${subjectToken(entity.namespace)}.${subjectToken(entity.name)}.${part}`;
  }
  const insight = message as Insight;
  return `insights.${subjectToken(insight.severity)}.${subjectToken(insight.rootCause.entity.namespace)}.${part}`;
}

/**
 * The subject of a batch envelope whose events have different subjects:
 * `<topic>._batch._._.<part>`, as many tokens as the topic's own subjects, so the
 * partition filters (`unified.*.*.*.p3`) and the topic filter match it. `_batch` is no
 * token subjectFor makes (kinds, verbs and sources are lower-case words).
 */
export function envelopeSubjectFor(topic: BusTopic, part: string, prefix = ''): string {
  return scoped(prefix, `${topic}._batch${'._'.repeat(TOPIC_TOKENS[topic] - 1)}.${part}`);
}

/** Everything on a topic. */
export function topicFilter(topic: BusTopic, prefix = ''): string {
  return scoped(prefix, `${topic}.>`);
}

/** One partition (`p<N>`) or the broadcast part (`all`) of a topic. */
export function partFilter(topic: BusTopic, part: string, prefix = ''): string {
  return scoped(prefix, `${topic}.${'*.'.repeat(TOPIC_TOKENS[topic])}${part}`);
}

/** The partition token of a subject this adapter published. */
export function partOfSubject(subject: string): string {
  return subject.slice(subject.lastIndexOf('.') + 1);
}
