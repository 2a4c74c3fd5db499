import type { K8sObjectFacts } from '@tapio/domain';
import { causeAnnotations, shortOf } from './cause-messages.js';
import { arr, obj, str, type Json } from './k8s-object.js';
import { parseQuantity } from './quantity.js';

/** CPU (cores) and memory (bytes) a pod asks the scheduler for. */
interface Requests {
  cpu: number;
  memory: number;
}

/** A workload as a cause names it (`uid`: to find its own owner). */
export interface Owner {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
}

interface PodState {
  owner: Owner;
  requests: Requests;
  /** The node it holds capacity on (scheduled, not finished), if any. */
  holds?: string;
}

/** Capacity a workload took (positive) or gave back (negative) on a node, at a time. */
interface Movement {
  at: number;
  cluster: string;
  owner: Owner;
  node: string;
  cpu: number;
  memory: number;
}

/** How far back a workload's placements count as having taken the capacity a refused pod lacks. */
const TAKEN_WINDOW_MS = 30 * 60_000;
/** Movements kept at most (a churning cluster would otherwise grow the log within the window). */
const MAX_MOVEMENTS = 20_000;
const ZERO: Requests = { cpu: 0, memory: 0 };

/** What a pod's containers request: their sum, or the largest init container's when larger (they run one at a time, first). */
export function podRequests(pod: Json): Requests {
  const spec = obj(pod['spec']);
  const of = (container: Json) => {
    const requests = obj(obj(container['resources'])['requests']);
    return { cpu: parseQuantity(str(requests['cpu'])) ?? 0, memory: parseQuantity(str(requests['memory'])) ?? 0 };
  };
  const sum = arr(spec['containers']).map(of).reduce((total, item) => ({ cpu: total.cpu + item.cpu, memory: total.memory + item.memory }), ZERO);
  for (const init of arr(spec['initContainers']).map(of)) (sum.cpu = Math.max(sum.cpu, init.cpu)), (sum.memory = Math.max(sum.memory, init.memory));
  return sum;
}

/** What controls an object: its controller owner reference (its ReplicaSet, its Job), or the object itself. */
export function controllerOf(facts: K8sObjectFacts): Owner {
  const reference = facts.ownerReferences?.find((owner) => owner.controller !== false) ?? facts.ownerReferences?.[0];
  const namespace = facts.namespace ? { namespace: facts.namespace } : {};
  if (!reference) return { kind: facts.kind, name: facts.name, ...namespace, ...(facts.uid ? { uid: facts.uid } : {}) };
  return { kind: reference.kind, name: reference.name, ...namespace, ...(reference.uid ? { uid: reference.uid } : {}) };
}

/**
 * The workload at the top of an owner's chain (a ReplicaSet's Deployment, a Job's CronJob), as
 * known when asked: a pod of the starting list may come before its ReplicaSet, so the chain is
 * followed when a refusal asks, not when the pod is first seen.
 */
export function topOwner(owner: Owner, byUid: (uid: string) => K8sObjectFacts | undefined): Owner {
  let current = owner;
  for (let depth = 0; depth < 4 && current.uid; depth += 1) {
    const facts = byUid(current.uid);
    if (!facts?.ownerReferences?.length) break;
    current = controllerOf(facts);
  }
  return current;
}

const sameOwner = (a: Owner, b: Owner) => a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;

/**
 * The scheduler's books, as far as "who took the room" needs them: each node's allocatable CPU
 * and memory, what the pods placed there request, and which workloads took or gave back
 * capacity in the last 30 minutes. A pod refused for "Insufficient cpu" on every node is the
 * doing of a workload that took capacity lately only when, without what it took on some node,
 * the pod would fit there: a routine restart revealing that another team's new app filled the
 * node names that app; a release asking more than any node has left names no one (its own
 * patterns answer). Rebuilt from the watch's starting list after a restart (not durable: the
 * placements before it are not known as recent).
 */
export class CapacityLedger {
  /** `top`: an owner's top workload in a cluster, as known now (topOwner over the transformer's objects). */
  constructor(private readonly top: (cluster: string, owner: Owner) => Owner = (_cluster, owner) => owner) {}

  private readonly pods = new Map<string, PodState>();
  private readonly allocatable = new Map<string, Requests>();
  private movements: Movement[] = [];

  observeNode(cluster: string, node: Json): void {
    const allocatable = obj(obj(node['status'])['allocatable']);
    const cpu = parseQuantity(str(allocatable['cpu']));
    const memory = parseQuantity(str(allocatable['memory']));
    const name = str(obj(node['metadata'])['name']);
    if (name && cpu !== undefined && memory !== undefined) this.allocatable.set(`${cluster}|${name}`, { cpu, memory });
  }

  /** A pod's version at `at` (ms); `owner` gives what controls it (asked once, at first sight). */
  observePod(cluster: string, uid: string, pod: Json, owner: () => Owner, at: number): void {
    const spec = obj(pod['spec']);
    const phase = str(obj(pod['status'])['phase']);
    const node = str(spec['nodeName']);
    const holds = node && phase !== 'Succeeded' && phase !== 'Failed' ? node : undefined;
    const key = `${cluster}|${uid}`;
    const before = this.pods.get(key);
    const state: PodState = { owner: before?.owner ?? owner(), requests: before?.requests ?? podRequests(pod), ...(holds ? { holds } : {}) };
    this.pods.set(key, state);
    // A pod first seen already placed (the watch's starting list) took its room when it was created, not now.
    const created = before ? undefined : Date.parse(str(obj(pod['metadata'])['creationTimestamp']) ?? '');
    this.move(cluster, state, before?.holds, holds, created !== undefined && Number.isFinite(created) ? Math.min(created, at) : at, at);
  }

  forgetPod(cluster: string, uid: string, at: number): void {
    const key = `${cluster}|${uid}`;
    const before = this.pods.get(key);
    if (!before) return;
    this.pods.delete(key);
    this.move(cluster, before, before.holds, undefined, at, at);
  }

  /** The pod's capacity moving from node `from` to `to` (either undefined: none) at `at`, told at `now` (both ms). */
  private move(cluster: string, pod: PodState, from: string | undefined, to: string | undefined, at: number, now: number): void {
    if (from === to) return;
    for (const [node, sign] of [[from, -1], [to, 1]] as const) {
      if (node === undefined) continue;
      // What moved longer ago than the window (a pod of the starting list, created long before) is no news.
      if ((pod.requests.cpu || pod.requests.memory) && at >= now - TAKEN_WINDOW_MS) this.movements.push({ at, cluster, owner: pod.owner, node, cpu: sign * pod.requests.cpu, memory: sign * pod.requests.memory });
    }
    if (this.movements.length > MAX_MOVEMENTS || (this.movements[0]?.at ?? now) < now - 2 * TAKEN_WINDOW_MS) {
      this.movements = this.movements.filter((item) => item.at >= now - TAKEN_WINDOW_MS).slice(-MAX_MOVEMENTS);
    }
  }

  /**
   * The workload that took, in the 30 minutes before `at`, the capacity pod `uid` lacks
   * (`short`: the resources the scheduler says are insufficient), with what it took: of the
   * other workloads that took more than they gave back on a node, those without whose share
   * the pod would fit there, the one that took the most; undefined for none.
   */
  takenBy(cluster: string, uid: string | undefined, short: ReadonlySet<'cpu' | 'memory'>, at: number): { owner: Owner; took: Requests; since: number } | undefined {
    const pod = uid === undefined ? undefined : this.pods.get(`${cluster}|${uid}`);
    if (!pod || short.size === 0) return undefined;
    const tops = new Map<Owner, Owner>();
    const topOf = (owner: Owner) => tops.get(owner) ?? (tops.set(owner, this.top(cluster, owner)), tops.get(owner) as Owner);
    const refused = topOf(pod.owner);
    const taken = new Map<string, { owner: Owner; node: string; took: Requests; since: number }>();
    const own = { ...ZERO };
    for (const item of this.movements) {
      if (item.cluster !== cluster || item.at > at || item.at < at - TAKEN_WINDOW_MS) continue;
      const owner = topOf(item.owner);
      if (sameOwner(owner, refused)) {
        own.cpu += item.cpu;
        own.memory += item.memory;
        continue;
      }
      // A DaemonSet's pod belongs on every node, a node just added included: it takes no room a workload was owed.
      if (owner.kind === 'DaemonSet') continue;
      const key = `${owner.kind}|${owner.namespace ?? ''}|${owner.name}|${item.node}`;
      const entry = taken.get(key) ?? { owner, node: item.node, took: { ...ZERO }, since: item.at };
      entry.took.cpu += item.cpu;
      entry.took.memory += item.memory;
      entry.since = Math.max(entry.since, item.at);
      taken.set(key, entry);
    }
    const usedOn = this.usedOn(cluster, new Set([...taken.values()].map((entry) => entry.node)));
    let best: { owner: Owner; took: Requests; since: number } | undefined;
    for (const entry of taken.values()) {
      const allocatable = this.allocatable.get(`${cluster}|${entry.node}`);
      const used = usedOn.get(entry.node) ?? ZERO;
      if (!allocatable) continue;
      const fitsWithout = (resource: 'cpu' | 'memory') => entry.took[resource] > 0 && allocatable[resource] - used[resource] + entry.took[resource] >= pod.requests[resource];
      const others: Array<'cpu' | 'memory'> = (['cpu', 'memory'] as const).filter((resource) => !short.has(resource));
      if (![...short].every(fitsWithout) || !others.every((resource) => allocatable[resource] - used[resource] >= pod.requests[resource])) continue;
      const size = (took: Requests) => [...short].reduce((total, resource) => total + took[resource] / Math.max(allocatable[resource], 1), 0);
      if (!best || size(entry.took) > size(best.took)) best = entry;
    }
    // The refused pod's own workload grew at least as much (a scale-up whose last replicas find
    // no room): its own growth asked for the room, not another's; the scale-up's cause answers.
    if (best && [...short].every((resource) => own[resource] >= (best as { took: Requests }).took[resource])) return undefined;
    return best;
  }

  /** What the pods placed on each of `nodes` request: summed when a refusal asks (refusals are rare; pod versions are not). */
  private usedOn(cluster: string, nodes: ReadonlySet<string>): Map<string, Requests> {
    const used = new Map<string, Requests>();
    const prefix = `${cluster}|`;
    for (const [key, pod] of this.pods) {
      if (pod.holds === undefined || !nodes.has(pod.holds) || !key.startsWith(prefix)) continue;
      const sum = used.get(pod.holds) ?? ZERO;
      used.set(pod.holds, { cpu: sum.cpu + pod.requests.cpu, memory: sum.memory + pod.requests.memory });
    }
    return used;
  }

  /** The cause of a refusal for capacity of pod `uid` (its message says what is short): the workload that took the room, or nothing. */
  schedulingCause(cluster: string, uid: string | undefined, message: string, at: number): { annotations: Record<string, string>; note?: string } {
    const short = shortOf(message);
    const found = this.takenBy(cluster, uid, short, at);
    return found ? { annotations: capacityAnnotations(found), note: takenNote(found, short) } : { annotations: {} };
  }
}

function capacityAnnotations(found: { owner: Owner }): Record<string, string> {
  return { 'scheduling.blocked_by': 'capacity', ...causeAnnotations({ kind: found.owner.kind, name: found.owner.name, ...(found.owner.namespace ? { namespace: found.owner.namespace } : {}) }) };
}

/** "Deployment analytics/cruncher took 1450m CPU at <time>": what the scheduler's message leaves out. */
function takenNote(found: { owner: Owner; took: Requests; since: number }, short: ReadonlySet<'cpu' | 'memory'>): string {
  const parts = [short.has('cpu') ? `${Math.round(found.took.cpu * 1000)}m CPU` : '', short.has('memory') ? `${Math.round(found.took.memory / 2 ** 20)}Mi memory` : ''].filter(Boolean);
  const at = new Date(found.since).toISOString().replace(/\.000Z$/, 'Z');
  return `${found.owner.kind} ${found.owner.namespace ? `${found.owner.namespace}/` : ''}${found.owner.name} took ${parts.join(' and ')} on the node lately (last at ${at})`;
}
