import type { K8sObject, RecordedLine } from './recording-variants.js';

// Variants that change what the workload is or how it fails (a Secret for the ConfigMap, a
// StatefulSet for the Deployment, unready instead of crashing); the line-level edits they
// build on stay in recording-variants.ts.
const clone = <T>(value: T): T => structuredClone(value);

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
