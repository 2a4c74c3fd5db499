import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

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

export function readRecording(path: string | URL): RecordedLine[] {
  return readFileSync(path, 'utf8')
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

function isPodSpecHolder(object: K8sObject): Record<string, unknown> | undefined {
  if (object.kind === 'Pod') return object['spec'] as Record<string, unknown>;
  const template = (object['spec'] as Record<string, unknown> | undefined)?.['template'] as Record<string, unknown> | undefined;
  if (template && ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind)) return template['spec'] as Record<string, unknown>;
  const jobTemplate = (object['spec'] as Record<string, unknown> | undefined)?.['jobTemplate'] as Record<string, unknown> | undefined;
  return ((jobTemplate?.['spec'] as Record<string, unknown> | undefined)?.['template'] as Record<string, unknown> | undefined)?.['spec'] as Record<string, unknown> | undefined;
}

type Json = Record<string, unknown>;
const records = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/**
 * Turns ConfigMap `namespace/name` into a Secret of the same name: the object becomes
 * `kind: Secret` with redacted placeholder values (v1, then v2, v3... on each edit, as
 * recordings show rotations), and every pod spec and template that used it as a
 * volume, envFrom or env valueFrom now uses the Secret.
 */
export function configMapToSecret(lines: readonly RecordedLine[], namespace: string, name: string): RecordedLine[] {
  let revision = 0;
  return lines.map((line) => {
    const object = clone(line.data.object);
    if (object.kind === 'ConfigMap' && object.metadata.name === name && object.metadata.namespace === namespace) {
      revision += 1;
      const data = (object['data'] as Json | undefined) ?? {};
      const placeholder = Buffer.from(`<redacted:v${revision}>`).toString('base64');
      object.kind = 'Secret';
      object['type'] = 'Opaque';
      object['data'] = Object.fromEntries(Object.keys(data).map((key) => [key, placeholder]));
    }
    if (object.kind === 'Event') {
      const involved = object['involvedObject'] as Json;
      if (involved['kind'] === 'ConfigMap' && involved['name'] === name) involved['kind'] = 'Secret';
    }
    const spec = object.metadata.namespace === namespace ? isPodSpecHolder(object) : undefined;
    if (spec) {
      for (const volume of records(spec['volumes'])) {
        const configMap = volume['configMap'] as Json | undefined;
        if (configMap?.['name'] === name) {
          const { name: _name, ...rest } = configMap;
          delete volume['configMap'];
          volume['secret'] = { secretName: name, ...rest };
        }
        for (const source of records((volume['projected'] as Json | undefined)?.['sources'])) {
          if ((source['configMap'] as Json | undefined)?.['name'] === name) {
            source['secret'] = source['configMap'];
            delete source['configMap'];
          }
        }
      }
      for (const container of [...records(spec['initContainers']), ...records(spec['containers'])]) {
        for (const from of records(container['envFrom'])) {
          if ((from['configMapRef'] as Json | undefined)?.['name'] === name) {
            from['secretRef'] = from['configMapRef'];
            delete from['configMapRef'];
          }
        }
        for (const env of records(container['env'])) {
          const valueFrom = env['valueFrom'] as Json | undefined;
          if ((valueFrom?.['configMapKeyRef'] as Json | undefined)?.['name'] === name) {
            valueFrom!['secretKeyRef'] = valueFrom!['configMapKeyRef'];
            delete valueFrom!['configMapKeyRef'];
          }
        }
      }
    }
    return { ...line, data: { ...line.data, object } };
  });
}

/**
 * Turns Deployment `namespace/name` into a StatefulSet: the workload object changes
 * kind (no Deployment-only status), its ReplicaSets become ControllerRevisions it owns,
 * and its pods are owned by the StatefulSet directly, as a StatefulSet's pods are.
 * Events about the Deployment or its ReplicaSets are re-addressed to the StatefulSet.
 */
export function deploymentToStatefulSet(lines: readonly RecordedLine[], namespace: string, name: string): RecordedLine[] {
  const deployment = lines.find((line) => line.data.object.kind === 'Deployment' && line.data.object.metadata.name === name && line.data.object.metadata.namespace === namespace)?.data.object;
  if (!deployment) throw new Error(`no Deployment ${namespace}/${name} in the recording`);
  const setUid = deployment.metadata.uid as string;
  const replicaSets = new Set(
    lines
      .filter((line) => line.data.object.kind === 'ReplicaSet' && line.data.object.metadata.namespace === namespace && records(line.data.object.metadata['ownerReferences']).some((owner) => owner['uid'] === setUid))
      .map((line) => line.data.object.metadata.name),
  );
  const setOwner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: setUid, controller: true, blockOwnerDeletion: true };
  return lines.map((line) => {
    const object = clone(line.data.object);
    const inNamespace = object.metadata.namespace === namespace;
    if (inNamespace && object.kind === 'Deployment' && object.metadata.name === name) {
      object.kind = 'StatefulSet';
      const spec = object['spec'] as Json;
      delete spec['strategy'];
      delete spec['progressDeadlineSeconds'];
      spec['serviceName'] = name;
      spec['podManagementPolicy'] = 'OrderedReady';
      spec['updateStrategy'] = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      const status = (object['status'] as Json | undefined) ?? {};
      object['status'] = { replicas: status['replicas'] ?? 0, readyReplicas: status['readyReplicas'] ?? 0, currentReplicas: status['updatedReplicas'] ?? 0, observedGeneration: status['observedGeneration'] ?? 1 };
    } else if (inNamespace && object.kind === 'ReplicaSet' && replicaSets.has(object.metadata.name)) {
      const spec = object['spec'] as Json;
      object.kind = 'ControllerRevision';
      object['data'] = { spec: { template: spec['template'] } };
      object['revision'] = Number((object.metadata['annotations'] as Json | undefined)?.['deployment.kubernetes.io/revision'] ?? 1);
      delete object['spec'];
      delete object['status'];
    } else if (inNamespace && object.kind === 'Pod' && records(object.metadata['ownerReferences']).some((owner) => owner['kind'] === 'ReplicaSet' && replicaSets.has(owner['name'] as string))) {
      object.metadata['ownerReferences'] = [setOwner];
    } else if (inNamespace && object.kind === 'Event') {
      const involved = object['involvedObject'] as Json;
      if ((involved['kind'] === 'Deployment' && involved['name'] === name) || (involved['kind'] === 'ReplicaSet' && replicaSets.has(involved['name'] as string))) {
        involved['kind'] = 'StatefulSet';
        involved['name'] = name;
        involved['uid'] = setUid;
        involved['apiVersion'] = 'apps/v1';
      }
    }
    return { ...line, data: { ...line.data, object } };
  });
}

/** Moves every pod of `namespace` whose name starts with `podPrefix` onto `node` (spec, Scheduled messages, hostIP). */
export function placePods(lines: readonly RecordedLine[], namespace: string, podPrefix: string, node: string, hostIP?: string): RecordedLine[] {
  return lines.map((line) => {
    const object = line.data.object;
    if (object.metadata.namespace !== namespace) return line;
    const copy = clone(object);
    if (copy.kind === 'Pod' && copy.metadata.name.startsWith(podPrefix)) {
      const spec = copy['spec'] as Json;
      if (spec['nodeName']) spec['nodeName'] = node;
      const status = copy['status'] as Json | undefined;
      if (status?.['hostIP'] && hostIP) status['hostIP'] = hostIP;
      return { ...line, data: { ...line.data, object: copy } };
    }
    if (copy.kind === 'Event' && ((copy['involvedObject'] as Json)['name'] as string).startsWith(podPrefix) && copy['reason'] === 'Scheduled') {
      copy['message'] = String(copy['message']).replace(/ to \S+$/, ` to ${node}`);
      const source = copy['source'] as Json | undefined;
      if (source?.['host'] !== undefined) source['host'] = node;
      return { ...line, data: { ...line.data, object: copy } };
    }
    return line;
  });
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
  const baseStart = Date.parse(base[0]?.timestamp ?? '');
  const noiseStart = Date.parse(noise[0]?.timestamp ?? '');
  const renamed = remapUids(renameEverywhere(noise, renames), prefix);
  // Namespace objects are named by their own name too, which the rename already covered.
  const moved = retime(renamed, { shiftMs: baseStart - noiseStart });
  const tail = moved.map((line) => (Date.parse(line.timestamp) > baseStart ? moveLines([line], () => true, offsetMs)[0] as RecordedLine : line));
  return normalise([...base, ...tail]);
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
 * The same incident with pods that never become ready instead of crashing: the pods of
 * `namespace` named `podPrefix...` keep running unready without restarts, their
 * BackOff Events become readiness probe failures, and the container restart Events
 * (repeated Pulled / Created / Started) disappear. The rollout then stalls the same way.
 */
export function crashesToUnready(lines: readonly RecordedLine[], namespace: string, podPrefix: string, healthy = false): RecordedLine[] {
  const result: RecordedLine[] = [];
  const firstStart = new Map<string, string>();
  for (const line of lines) {
    const object = line.data.object;
    if (object.metadata.namespace !== namespace) {
      result.push(line);
      continue;
    }
    if (object.kind === 'Pod' && object.metadata.name.startsWith(podPrefix)) {
      const copy = clone(object);
      const status = (copy['status'] as Record<string, unknown> | undefined) ?? {};
      for (const container of records(status['containerStatuses'])) {
        const state = container['state'] as Record<string, Record<string, unknown>> | undefined;
        const started = state?.['running']?.['startedAt'] as string | undefined;
        if (started && !firstStart.has(copy.metadata.name)) firstStart.set(copy.metadata.name, started);
        const since = firstStart.get(copy.metadata.name);
        if (!since) continue;
        container['restartCount'] = 0;
        container['lastState'] = {};
        container['state'] = { running: { startedAt: since } };
        container['ready'] = healthy;
        container['started'] = true;
      }
      for (const condition of records(status['conditions'])) if (condition['type'] === 'Ready' || condition['type'] === 'ContainersReady') condition['status'] = healthy ? 'True' : 'False';
      result.push({ ...line, data: { ...line.data, object: copy } });
      continue;
    }
    if (object.kind === 'Event' && String((object['involvedObject'] as Record<string, unknown>)['name']).startsWith(podPrefix)) {
      if (['Pulled', 'Created', 'Started'].includes(String(object['reason'])) && Number(object['count']) > 1) continue;
      if (object['reason'] === 'BackOff' && healthy) continue;
      if (object['reason'] === 'BackOff') {
        const copy = clone(object);
        copy['reason'] = 'Unhealthy';
        copy['type'] = 'Warning';
        copy['message'] = 'Readiness probe failed: HTTP probe failed with statuscode: 500';
        result.push({ ...line, data: { ...line.data, object: copy } });
        continue;
      }
    }
    result.push(line);
  }
  return result;
}

/**
 * The same rollout succeeding: the new pods run and become ready (see crashesToUnready),
 * and the Deployment reports NewReplicaSetAvailable instead of ProgressDeadlineExceeded.
 */
export function crashesToHealthy(lines: readonly RecordedLine[], namespace: string, podPrefix: string): RecordedLine[] {
  return crashesToUnready(lines, namespace, podPrefix, true).map((line) => {
    const object = line.data.object;
    if (object.kind !== 'Deployment' || object.metadata.namespace !== namespace) return line;
    const conditions = records((object['status'] as Record<string, unknown> | undefined)?.['conditions']);
    if (!conditions.some((condition) => condition['reason'] === 'ProgressDeadlineExceeded')) return line;
    const copy = clone(object);
    for (const condition of records((copy['status'] as Record<string, unknown>)['conditions'])) {
      if (condition['reason'] === 'ProgressDeadlineExceeded') Object.assign(condition, { status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet has successfully progressed.' });
    }
    return { ...line, data: { ...line.data, object: copy } };
  });
}

/**
 * ConfigMap `namespace/name` consumed as environment variables instead of a mounted
 * volume: every pod spec and template drops the volume (and its mounts) and its
 * containers get `envFrom: [{configMapRef: {name}}]`.
 */
export function configMapAsEnv(lines: readonly RecordedLine[], namespace: string, name: string): RecordedLine[] {
  return lines.map((line) => {
    const object = clone(line.data.object);
    const spec = object.metadata.namespace === namespace ? isPodSpecHolder(object) : undefined;
    if (!spec) return line;
    const volumes = records(spec['volumes']);
    const dropped = new Set(volumes.filter((volume) => (volume['configMap'] as Json | undefined)?.['name'] === name).map((volume) => volume['name']));
    if (dropped.size === 0) return line;
    spec['volumes'] = volumes.filter((volume) => !dropped.has(volume['name']));
    for (const container of records(spec['containers'])) {
      container['volumeMounts'] = records(container['volumeMounts']).filter((mount) => !dropped.has(mount['name']));
      container['envFrom'] = [...records(container['envFrom']), { configMapRef: { name } }];
    }
    return { ...line, data: { ...line.data, object } };
  });
}
