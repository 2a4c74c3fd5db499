import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One recorded line (shared/scenarios/README.md): a kubeapi RawEvent carrying a watch event. */
export interface RecordedLine {
  timestamp: string;
  source: string;
  type: string;
  metadata: Record<string, string>;
  data: { type: string; object: K8sObject };
}

export type K8sObject = Record<string, unknown> & { kind: string; metadata: Record<string, unknown> & { name: string; namespace?: string; uid?: string } };

export interface ExpectedEntity {
  kind: string;
  namespace: string | null;
  name: string;
}

/** A recording's lines (gunzipped first when its name ends in `.gz`). */
export function readRecording(path: string | URL): RecordedLine[] {
  const bytes = readFileSync(path);
  return (String(path).endsWith('.gz') ? gunzipSync(bytes) : bytes)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedLine);
}

const clone = <T>(value: T): T => structuredClone(value);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_INSIDE = /(?<![0-9a-f-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f-])/g;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Applies `fix` to every string value (not keys) of a JSON value, depth first. */
function mapStrings(value: unknown, fix: (text: string) => string): unknown {
  if (typeof value === 'string') return fix(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fix));
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = mapStrings(item, fix);
    return result;
  }
  return value;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Renames names consistently everywhere they appear: object names, namespaces, labels,
 * selectors, owner references, node names, image paths, Event messages and involved
 * objects. A name is replaced where it stands as a whole token (not inside a longer
 * alphanumeric word), so `checkout` also renames `checkout-h255j8bmp-5rkwm` and
 * `checkout-config`, and `node-1` leaves `node-10` alone. Longer names go first.
 */
export function renameEverywhere(lines: readonly RecordedLine[], renames: Readonly<Record<string, string>>): RecordedLine[] {
  const names = Object.keys(renames).sort((a, b) => b.length - a.length);
  if (names.length === 0) return lines.map(clone);
  const pattern = new RegExp(`(?<![A-Za-z0-9])(${names.map(escape).join('|')})(?![A-Za-z0-9])`, 'g');
  const fix = (text: string) => text.replace(pattern, (name) => renames[name] as string);
  return lines.map((line) => ({ ...line, data: mapStrings(line.data, fix) as RecordedLine['data'] }));
}

/** Replaces every uid (and every reference to it, also inside messages such as "Preempted by pod <uid>") by another, derived from `seed`. */
export function remapUids(lines: readonly RecordedLine[], seed: string): RecordedLine[] {
  const remap = (uid: string) => {
    const hex = createHash('sha256').update(`${seed}:${uid}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  const fix = (text: string) => (UUID.test(text) ? remap(text) : text.replace(UUID_INSIDE, remap));
  return lines.map((line) => ({ ...line, data: mapStrings(line.data, fix) as RecordedLine['data'] }));
}

function isoSeconds(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Moves the recording in time: every timestamp (line and object: creation, Event
 * first/last, container start/finish, conditions) shifted by `shiftMs`; everything after
 * the starting state is also stretched by `stretch` around the recording's start, so
 * delays between steps grow or shrink while the order stays the same.
 */
export function retime(lines: readonly RecordedLine[], options: { shiftMs?: number; stretch?: number }): RecordedLine[] {
  const start = Date.parse(lines[0]?.timestamp ?? '');
  const shift = options.shiftMs ?? 0;
  const stretch = options.stretch ?? 1;
  const move = (ms: number) => (ms <= start ? ms + shift : start + shift + (ms - start) * stretch);
  const fix = (text: string) => (TIMESTAMP.test(text) ? isoSeconds(move(Date.parse(text))) : text);
  return lines.map((line) => ({ ...line, timestamp: fix(line.timestamp), data: mapStrings(line.data, fix) as RecordedLine['data'] }));
}

/** Re-establishes the README's guarantees after edits: time order, strictly increasing resourceVersions. */
export function normalise(lines: readonly RecordedLine[]): RecordedLine[] {
  const ordered = lines.map((line, index) => ({ line, index })).sort((a, b) => Date.parse(a.line.timestamp) - Date.parse(b.line.timestamp) || a.index - b.index);
  let version = 9_000_000;
  return ordered.map(({ line }) => {
    const copy = clone(line);
    // Lines of node-local collectors (cni_tap, kubelet_api...) carry no API object.
    if (copy.source !== 'kubeapi') return copy;
    version += 1;
    copy.data.object.metadata.resourceVersion = String(version);
    copy.type = copy.data.type;
    return copy;
  });
}

/** Sets the time of the lines matching `pick` (and the matching object's timestamps on that line). */
export function moveLines(lines: readonly RecordedLine[], pick: (line: RecordedLine) => boolean, deltaMs: number): RecordedLine[] {
  const fix = (text: string) => (TIMESTAMP.test(text) ? isoSeconds(Date.parse(text) + deltaMs) : text);
  return lines.map((line) => (pick(line) ? { ...line, timestamp: fix(line.timestamp), data: { ...line.data, object: clone(line.data.object) } } : line));
}

/** Moves the starting state (and the recording start) earlier, leaving the changes where they are. */
export function startEarlier(lines: readonly RecordedLine[], byMs: number): RecordedLine[] {
  const start = lines[0]?.timestamp;
  return lines.map((line) => (line.timestamp === start && line.type === 'ADDED' ? { ...line, timestamp: isoSeconds(Date.parse(line.timestamp) - byMs) } : line));
}

/**
 * Another recording's activity as background noise: its namespaces and nodes renamed
 * with `prefix` (so nothing collides), its uids remapped, shifted to start when the base
 * starts, then merged in time order. Only lines after its starting state are kept besides
 * the starting state itself, so its rollouts, CronJob runs and probe blips interleave
 * with the base incident.
 */
export function withNoise(base: readonly RecordedLine[], noise: readonly RecordedLine[], prefix: string, offsetMs = 0): RecordedLine[] {
  const namespaces = new Set(noise.filter((line) => line.data.object.kind === 'Namespace').map((line) => line.data.object.metadata.name));
  const nodes = new Set(noise.filter((line) => line.data.object.kind === 'Node').map((line) => line.data.object.metadata.name));
  const renames: Record<string, string> = {};
  for (const name of [...namespaces, ...nodes]) renames[name] = `${prefix}${name}`;
  // Namespace objects are named by their own name too, which the rename already covered.
  return interleave(base, remapUids(renameEverywhere(noise, renames), prefix), offsetMs);
}

/**
 * Noise already renamed, merged into `base`: shifted to start when the base starts, what follows
 * its starting state moved later by `offsetMs`; with `cutAtEnd`, nothing after the base's last line.
 */
function interleave(base: readonly RecordedLine[], noise: readonly RecordedLine[], offsetMs: number, cutAtEnd = false): RecordedLine[] {
  const baseStart = Date.parse(base[0]?.timestamp ?? '');
  const baseEnd = cutAtEnd ? Date.parse(base[base.length - 1]?.timestamp ?? '') : Number.POSITIVE_INFINITY;
  const moved = retime(noise, { shiftMs: baseStart - Date.parse(noise[0]?.timestamp ?? '') });
  const tail = moved.map((line) => (Date.parse(line.timestamp) > baseStart ? (moveLines([line], () => true, offsetMs)[0] as RecordedLine) : line));
  return normalise([...base, ...tail.filter((line) => Date.parse(line.timestamp) <= baseEnd)]);
}

/** Renames an expected entity the way `renameEverywhere` renames the recording. */
export function renameEntity(entity: ExpectedEntity, renames: Readonly<Record<string, string>>): ExpectedEntity {
  const [line] = renameEverywhere(
    [{ timestamp: '', source: '', type: '', metadata: {}, data: { type: '', object: { kind: entity.kind, metadata: { name: entity.name, ...(entity.namespace ? { namespace: entity.namespace } : {}) } } } }],
    renames,
  );
  const metadata = line!.data.object.metadata;
  return { kind: entity.kind, namespace: metadata.namespace ?? null, name: metadata.name };
}

/**
 * The kinds the shared scenarios' recording format lists (shared/scenarios/README.md, "Kinds
 * that appear"): what a recording made by another recorder may hold. No Lease, EndpointSlice,
 * ServiceAccount, ResourceQuota, LimitRange or webhook configuration, and only core/v1 Events.
 */
export const SHARED_FORMAT_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'ControllerRevision', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Endpoints', 'Ingress',
  'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'PersistentVolume', 'StorageClass', 'VolumeAttachment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'PriorityClass',
  'NetworkPolicy', 'Event',
]);

/** A recording as the shared format's recorder would have made it: the Kubernetes API collector's lines of the listed kinds only (no node agent's, no events.k8s.io Events). */
export function asSharedFormat(lines: readonly RecordedLine[]): RecordedLine[] {
  return lines.filter((line) => {
    const object = line.data?.object;
    if (line.source !== 'kubeapi' || !object || !SHARED_FORMAT_KINDS.has(object.kind)) return false;
    return object.kind !== 'Event' || (object['apiVersion'] ?? 'v1') === 'v1';
  });
}

const CONTROL_PLANE_TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

/** A scheduler message of a one-node cluster as it reads with a control plane node beside that node. */
function countingControlPlane(message: string): string {
  return message
    .replace(/0\/1 nodes are available: 1 /g, `0/2 nodes are available: ${CONTROL_PLANE_TAINT}, 1 `)
    .replace(/preemption: 0\/2 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}, 1 /g, 'preemption: 0/2 nodes are available: 2 ');
}

/**
 * A recording of a one-node cluster as a cluster with a control plane node of its own would have
 * it (kind, kubeadm): a second Node in the starting state, tainted
 * node-role.kubernetes.io/control-plane:NoSchedule, which every scheduler message then counts
 * ("0/2 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 …").
 */
export function besideControlPlane(lines: readonly RecordedLine[]): RecordedLine[] {
  const worker = lines.find((line) => line.data?.object?.kind === 'Node');
  const start = lines[0]?.timestamp;
  if (!worker || !start) return lines.map(clone);
  const node = clone(worker).data.object;
  const labels = { ...((node.metadata['labels'] as Record<string, string> | undefined) ?? {}), 'kubernetes.io/hostname': 'control-plane', 'node-role.kubernetes.io/control-plane': '' };
  const { unschedulable: _cordon, taints: _taints, ...spec } = (node['spec'] as Record<string, unknown> | undefined) ?? {};
  const controlPlane: K8sObject = {
    ...node,
    metadata: { ...node.metadata, name: 'control-plane', uid: 'control-plane-node-uid', labels },
    spec: { ...spec, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
  };
  const added: RecordedLine = { ...clone(worker), timestamp: start, type: 'ADDED', data: { type: 'ADDED', object: controlPlane } };
  const rest = lines.map((line) => {
    const copy = clone(line);
    const object = copy.data?.object;
    if (object?.kind === 'Event' && typeof object['message'] === 'string') object['message'] = countingControlPlane(object['message']);
    if (object?.kind === 'Pod') {
      const conditions = ((object['status'] as Record<string, unknown> | undefined)?.['conditions'] ?? []) as Array<Record<string, unknown>>;
      for (const condition of conditions) if (typeof condition['message'] === 'string') condition['message'] = countingControlPlane(condition['message']);
    }
    return copy;
  });
  return [added, ...rest];
}

/**
 * Another recording's routine moved into the incident's own namespace and onto its node: the
 * noise's objects of namespace `from` only (its other namespaces and cluster-scoped objects
 * dropped, so nothing collides), renamed with `prefix` (names, labels, selectors, messages),
 * their namespace become `namespace`, their nodes `node`; shifted to start when the base starts,
 * cut where it ends, and merged in time order. Rollouts, CronJob runs and probe blips of unrelated apps then happen
 * beside the incident's own objects, as in a real namespace.
 */
export function withNoiseBeside(base: readonly RecordedLine[], noise: readonly RecordedLine[], options: { from: string; namespace: string; node: string | undefined; prefix: string; offsetMs?: number }): RecordedLine[] {
  const own = noise.filter((line) => line.data.object.metadata.namespace === options.from);
  const names = new Set<string>();
  for (const line of own) {
    const object = line.data.object;
    if (object.kind === 'Deployment' || object.kind === 'CronJob' || object.kind === 'StatefulSet' || object.kind === 'DaemonSet' || object.kind === 'Service') names.add(object.metadata.name);
  }
  const nodes = new Set(noise.filter((line) => line.data.object.kind === 'Node').map((line) => line.data.object.metadata.name));
  const renames: Record<string, string> = { [options.from]: options.namespace };
  for (const name of names) renames[name] = `${options.prefix}${name}`;
  if (options.node) for (const name of nodes) renames[name] = options.node;
  // Cut where the base ends: its routine after the recording ended is beside nothing (and a
  // recording made minutes ago would reach into the future, which the pipeline refuses).
  return interleave(base, remapUids(renameEverywhere(own, renames), options.prefix), options.offsetMs ?? 0, true);
}
