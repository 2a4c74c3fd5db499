import { createHash } from 'node:crypto';
import type { K8sObject, RecordedLine } from './recording-variants.js';

type Json = Record<string, unknown>;
const clone = <T>(value: T): T => structuredClone(value);
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Writes new incidents on top of a real recording's starting state, the way the API
 * server would report them: objects are the recorded ones (same labels, volumes,
 * probes, owners), changed field by field, each change a full MODIFIED object; Events
 * are core/v1 Events with the reasons and messages the kubelet, scheduler and
 * controllers write, repeated Events MODIFIED with a higher count.
 */
export class RecordingEditor {
  readonly lines: RecordedLine[] = [];
  private readonly objects = new Map<string, K8sObject>();
  private readonly events = new Map<string, K8sObject>();
  private clock: number;
  private counter = 0;
  private readonly metadata: Record<string, string>;

  constructor(recording: readonly RecordedLine[], private readonly seed: string) {
    const start = recording[0]?.timestamp as string;
    this.clock = Date.parse(start);
    this.metadata = { ...(recording[0]?.metadata ?? {}) };
    for (const line of recording) {
      if (line.timestamp !== start || line.type !== 'ADDED') break;
      if (line.data.object.kind === 'Event') continue;
      this.lines.push(clone(line));
      this.objects.set(this.key(line.data.object), clone(line.data.object));
    }
  }

  private key(object: { kind: string; metadata: { namespace?: string; name: string } }): string {
    return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  }

  /** Changes an object of the starting state in place (as if it had always been so). */
  rewriteStart(kind: string, namespace: string | undefined, name: string, change: (object: K8sObject) => void): void {
    const key = `${kind}/${namespace ?? ''}/${name}`;
    for (const line of this.lines) if (this.key(line.data.object) === key) change(line.data.object);
    const object = this.objects.get(key);
    if (!object) throw new Error(`no ${key} in the starting state`);
    change(object);
  }

  get now(): string {
    return iso(this.clock);
  }

  advance(seconds: number): this {
    this.clock += seconds * 1000;
    return this;
  }

  uid(): string {
    const hex = createHash('sha256').update(`${this.seed}:${(this.counter += 1)}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  suffix(length: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    const hex = createHash('sha256').update(`${this.seed}:suffix:${(this.counter += 1)}`).digest();
    return [...hex.subarray(0, length)].map((byte) => alphabet[byte % alphabet.length]).join('');
  }

  get(kind: string, namespace: string | undefined, name: string): K8sObject {
    const object = this.objects.get(`${kind}/${namespace ?? ''}/${name}`);
    if (!object) throw new Error(`no ${kind} ${namespace ?? ''}/${name} in the recording`);
    return clone(object);
  }

  find(kind: string, predicate: (object: K8sObject) => boolean): K8sObject[] {
    return [...this.objects.values()].filter((object) => object.kind === kind && predicate(object)).map(clone);
  }

  /** Pods owned (through a ReplicaSet) by a Deployment, currently present. */
  podsOf(namespace: string, deployment: string): K8sObject[] {
    const sets = new Set(this.find('ReplicaSet', (rs) => rs.metadata.namespace === namespace && records(rs.metadata['ownerReferences']).some((owner) => owner['name'] === deployment)).map((rs) => rs.metadata.name));
    return this.find('Pod', (pod) => pod.metadata.namespace === namespace && records(pod.metadata['ownerReferences']).some((owner) => sets.has(owner['name'] as string)) && !pod.metadata['deletionTimestamp']);
  }

  podsOn(node: string): K8sObject[] {
    return this.find('Pod', (pod) => (pod['spec'] as Json)['nodeName'] === node);
  }

  private emit(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: K8sObject): K8sObject {
    object.metadata['resourceVersion'] = String(20_000_000 + this.lines.length);
    this.lines.push({ timestamp: this.now, source: 'kubeapi', type, metadata: { ...this.metadata }, data: { type, object: clone(object) } });
    if (object.kind !== 'Event') {
      if (type === 'DELETED') this.objects.delete(this.key(object));
      else this.objects.set(this.key(object), clone(object));
    }
    return object;
  }

  add(object: K8sObject): K8sObject {
    object.metadata['creationTimestamp'] ??= this.now;
    return this.emit('ADDED', object);
  }

  /** Applies `change` to the current version of the object and reports it MODIFIED. */
  modify(kind: string, namespace: string | undefined, name: string, change: (object: K8sObject) => void): K8sObject {
    const object = this.get(kind, namespace, name);
    change(object);
    return this.emit('MODIFIED', object);
  }

  delete(kind: string, namespace: string | undefined, name: string): void {
    this.emit('DELETED', this.get(kind, namespace, name));
  }

  /** A core/v1 Event; the same (object, reason, message) again is the same Event MODIFIED with count + 1. */
  event(involved: K8sObject, reason: string, message: string, options: { type?: 'Normal' | 'Warning'; component?: string; fieldPath?: string; host?: string } = {}): void {
    const namespace = involved.kind === 'Node' ? 'default' : (involved.metadata.namespace as string);
    const id = `${involved.metadata.uid ?? involved.metadata.name}|${reason}|${message}`;
    const existing = this.events.get(id);
    if (existing) {
      existing['count'] = (existing['count'] as number) + 1;
      existing['lastTimestamp'] = this.now;
      this.emit('MODIFIED', existing);
      this.events.set(id, clone(existing));
      return;
    }
    const event: K8sObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.metadata.name}.${createHash('sha1').update(id + this.seed).digest('hex').slice(0, 16)}`, namespace, uid: this.uid(), creationTimestamp: this.now },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.kind === 'Node' ? undefined : involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.kind === 'Node' ? involved.metadata.name : involved.metadata.uid,
        apiVersion: involved['apiVersion'],
        ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}),
      },
      reason,
      message,
      type: options.type ?? 'Normal',
      count: 1,
      firstTimestamp: this.now,
      lastTimestamp: this.now,
      source: { component: options.component ?? 'kubelet', ...(options.host ? { host: options.host } : {}) },
      reportingComponent: options.component ?? 'kubelet',
    };
    this.emit('ADDED', event);
    this.events.set(id, clone(event));
  }
}

export function containerStatus(pod: K8sObject): Json {
  return records((pod['status'] as Json)['containerStatuses'])[0] as Json;
}

export function setReady(pod: K8sObject, ready: boolean, at: string): void {
  const status = pod['status'] as Json;
  for (const condition of records(status['conditions'])) {
    if (condition['type'] === 'Ready' || condition['type'] === 'ContainersReady') {
      condition['status'] = ready ? 'True' : 'False';
      condition['lastTransitionTime'] = at;
    }
  }
  for (const container of records(status['containerStatuses'])) container['ready'] = ready;
}

/**
 * The pod's first container killed by the kernel's OOM killer (OOMKilled, not ready), then,
 * a second later, restarted by the kubelet: restart count up, the kill as its last state, and
 * `after(now, container)` as its state (running, or waiting in CrashLoopBackOff).
 */
export function oomKill(editor: RecordingEditor, namespace: string, podName: string, after: (now: string, container: Json) => Json): void {
  editor.modify('Pod', namespace, podName, (object) => {
    containerStatus(object)['state'] = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: editor.now, finishedAt: editor.now } };
    setReady(object, false, editor.now);
  });
  editor.advance(1);
  editor.modify('Pod', namespace, podName, (object) => {
    const container = containerStatus(object);
    container['restartCount'] = Number(container['restartCount'] ?? 0) + 1;
    container['lastState'] = { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: editor.now, finishedAt: editor.now } };
    container['state'] = after(editor.now, container);
  });
}
