import { bareContainerId, type ContainerFacts, type K8sObjectFacts, type LabelSelector, type OwnerReference } from '@tapio/domain';
import { contentHash, keyHashes } from './content-hash.js';
import { arr, containersOf, num, obj, str, strMap, type Json } from './k8s-object.js';
import { configMapsNamedByFlags } from './config-flags.js';
import { disruptionBudgetFacts } from './disruption-budget-signals.js';
import { hpaConditions } from './lifecycle-signals.js';
import { configCalls, podCalls } from './pod-calls.js';
import { roleRefOf, subjectsOf } from './rbac-kinds.js';
import { parseQuantity } from './quantity.js';
import { secretContentHash, secretKeys } from './secret-facts.js';

function selectorOf(value: unknown): LabelSelector | undefined {
  const selector = obj(value);
  if (!('matchLabels' in selector) && !('matchExpressions' in selector)) return undefined;
  const result: LabelSelector = {};
  const labels = strMap(selector['matchLabels']);
  if (labels) result.matchLabels = labels;
  const expressions = arr(selector['matchExpressions'])
    .map((expression) => ({
      key: str(expression['key']) ?? '',
      operator: str(expression['operator']) as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
      values: Array.isArray(expression['values']) ? (expression['values'] as unknown[]).filter((item): item is string => typeof item === 'string') : undefined,
    }))
    .filter((expression) => expression.key && ['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(expression.operator))
    .map((expression) => (expression.values ? expression : { key: expression.key, operator: expression.operator }));
  if (expressions.length) result.matchExpressions = expressions;
  return result;
}

function ownersOf(metadata: Json): OwnerReference[] | undefined {
  const owners = arr(metadata['ownerReferences'])
    .map((owner) => ({
      kind: str(owner['kind']) ?? '',
      name: str(owner['name']) ?? '',
      ...(str(owner['uid']) ? { uid: str(owner['uid']) as string } : {}),
      ...(owner['controller'] === true ? { controller: true } : {}),
    }))
    .filter((owner) => owner.kind && owner.name);
  return owners.length ? owners : undefined;
}

/** Appends a name not in the list yet: a pod names a few of each, so a scan beats a Set built per version. */
function addName(names: string[], name: string | undefined): void {
  if (name && !names.includes(name)) names.push(name);
}

/** ConfigMaps, Secrets and PVCs a pod spec uses: volumes, projected sources, envFrom, env valueFrom. */
export function podReferences(spec: Json): { configMaps: string[]; secrets: string[]; claims: string[] } {
  const configMaps: string[] = [];
  const secrets: string[] = [];
  const claims: string[] = [];
  const volumes = arr(spec['volumes']);
  for (let index = 0; index < volumes.length; index += 1) {
    const volume = volumes[index] as Json;
    addName(configMaps, str(obj(volume['configMap'])['name']));
    addName(secrets, str(obj(volume['secret'])['secretName']));
    addName(claims, str(obj(volume['persistentVolumeClaim'])['claimName']));
    const sources = arr(obj(volume['projected'])['sources']);
    for (let at = 0; at < sources.length; at += 1) {
      const source = sources[at] as Json;
      const projectedConfigMap = str(obj(source['configMap'])['name']);
      if (projectedConfigMap !== 'kube-root-ca.crt') addName(configMaps, projectedConfigMap);
      addName(secrets, str(obj(source['secret'])['name']));
    }
  }
  const containers = containersOf(spec);
  for (let index = 0; index < containers.length; index += 1) {
    const container = containers[index] as Json;
    for (const from of arr(container['envFrom'])) {
      addName(configMaps, str(obj(from['configMapRef'])['name']));
      addName(secrets, str(obj(from['secretRef'])['name']));
    }
    const variables = arr(container['env']);
    for (let at = 0; at < variables.length; at += 1) {
      const valueFrom = obj((variables[at] as Json)['valueFrom']);
      addName(configMaps, str(obj(valueFrom['configMapKeyRef'])['name']));
      addName(secrets, str(obj(valueFrom['secretKeyRef'])['name']));
    }
  }
  for (const pullSecret of arr(spec['imagePullSecrets'])) addName(secrets, str(pullSecret['name']));
  for (const name of configMapsNamedByFlags(containers)) addName(configMaps, name);
  // Sorted as before (the default order: UTF-16 code units); a list of one is already sorted.
  if (configMaps.length > 1) configMaps.sort();
  if (secrets.length > 1) secrets.sort();
  if (claims.length > 1) claims.sort();
  return { configMaps, secrets, claims };
}

/** The containers of a spec list (`containers`, `initContainers`) with their statuses (`containerStatuses`, `initContainerStatuses`). */
function containerFacts(containers: unknown, containerStatuses: unknown): ContainerFacts[] {
  const statuses = new Map(arr(containerStatuses).map((item) => [str(item['name']) ?? '', item]));
  return arr(containers).map((container) => {
    const name = str(container['name']) ?? '';
    const item = statuses.get(name) ?? {};
    const state = obj(item['state']);
    const stateName = (['waiting', 'running', 'terminated'] as const).find((candidate) => candidate in state);
    const lastTerminated = obj(obj(item['lastState'])['terminated']);
    const facts: ContainerFacts = { name };
    const image = str(container['image']);
    if (image) facts.image = image;
    const containerId = str(item['containerID']);
    if (containerId) facts.containerId = bareContainerId(containerId);
    if (typeof item['ready'] === 'boolean') facts.ready = item['ready'];
    const restarts = num(item['restartCount']);
    if (restarts !== undefined) facts.restartCount = restarts;
    if (stateName) {
      facts.state = stateName;
      const reason = str(obj(state[stateName])['reason']);
      if (reason) facts.stateReason = reason;
    }
    const lastReason = str(lastTerminated['reason']);
    if (lastReason) facts.lastTerminationReason = lastReason;
    const lastExit = num(lastTerminated['exitCode']);
    if (lastExit !== undefined) facts.lastExitCode = lastExit;
    const limits = obj(obj(container['resources'])['limits']);
    const memoryLimit = parseQuantity(str(limits['memory']));
    if (memoryLimit !== undefined) facts.memoryLimitBytes = memoryLimit;
    const storageLimit = parseQuantity(str(limits['ephemeral-storage']));
    if (storageLimit !== undefined) facts.storageLimitBytes = storageLimit;
    return facts;
  });
}

/**
 * A pod's init containers as its containers are read (restarts, state, last exit), or
 * undefined when it has none: they run before the others, so a pod whose init container
 * fails (`Init:Error`, `Init:CrashLoopBackOff`) never starts its containers at all.
 */
export function initContainerFacts(object: Json): ContainerFacts[] | undefined {
  const init = arr(obj(object['spec'])['initContainers']);
  return init.length === 0 ? undefined : containerFacts(init, obj(object['status'])['initContainerStatuses']);
}

function conditionsOf(status: Json): Record<string, string> | undefined {
  const conditions: Record<string, string> = {};
  let found = false;
  // Indexed, not for-of: this runs for every version of most kinds, and the iterator allocated.
  const list = arr(status['conditions']);
  for (let index = 0; index < list.length; index += 1) {
    const condition = list[index] as Json;
    const type = str(condition['type']);
    const value = str(condition['status']);
    if (type && value) {
      conditions[type] = value;
      found = true;
    }
  }
  return found ? conditions : undefined;
}

function endpointCounts(object: Json): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  if (Array.isArray(object['subsets'])) {
    for (const subset of arr(object['subsets'])) {
      ready += arr(subset['addresses']).length;
      notReady += arr(subset['notReadyAddresses']).length;
    }
  } else {
    // discovery.k8s.io/v1 EndpointSlice
    for (const endpoint of arr(object['endpoints'])) {
      if (obj(endpoint['conditions'])['ready'] === false) notReady += 1;
      else ready += 1;
    }
  }
  return { ready, notReady };
}

function ingressServices(spec: Json): string[] {
  const services = new Set<string>();
  const backend = (value: unknown) => {
    const service = obj(obj(value)['service']);
    const name = str(service['name']) ?? str(obj(value)['serviceName']);
    if (name) services.add(name);
  };
  backend(spec['defaultBackend']);
  backend(spec['backend']);
  for (const rule of arr(spec['rules'])) for (const path of arr(obj(rule['http'])['paths'])) backend(path['backend']);
  return [...services].sort();
}

/** The ServiceAccount a pod spec names (`serviceAccount` is its deprecated spelling). */
function accountOf(spec: Json): string | undefined {
  return str(spec['serviceAccountName']) ?? str(spec['serviceAccount']);
}

/**
 * What Tapio keeps of an object: identity, labels, owners and the fields that define
 * topology and health. Secret and ConfigMap values are reduced to key names and a
 * content hash.
 */
export function factsOf(object: Json): K8sObjectFacts {
  const metadata = obj(object['metadata']);
  const spec = obj(object['spec']);
  const status = obj(object['status']);
  const kind = str(object['kind']) ?? 'Unknown';
  const facts: K8sObjectFacts = { kind, name: str(metadata['name']) ?? '' };
  const put = <K extends keyof K8sObjectFacts>(key: K, value: K8sObjectFacts[K] | undefined) => {
    if (value !== undefined) facts[key] = value;
  };
  put('apiVersion', str(object['apiVersion']));
  put('namespace', str(metadata['namespace']));
  put('uid', str(metadata['uid']));
  put('resourceVersion', str(metadata['resourceVersion']));
  put('generation', num(metadata['generation']));
  put('creationTimestamp', str(metadata['creationTimestamp']));
  const labels = strMap(metadata['labels']);
  if (labels && Object.keys(labels).length) facts.labels = labels;
  put('ownerReferences', ownersOf(metadata));

  switch (kind) {
    case 'Pod': {
      put('nodeName', str(spec['nodeName']));
      put('podIP', str(status['podIP']));
      const ips = arr(status['podIPs']).map((item) => str(item['ip'])).filter((ip): ip is string => !!ip);
      if (ips.length) facts.podIPs = ips;
      put('hostIP', str(status['hostIP']));
      put('phase', str(status['phase']));
      put('qosClass', str(status['qosClass']));
      put('priorityClassName', str(spec['priorityClassName']));
      put('serviceAccountName', accountOf(spec));
      const conditions = conditionsOf(status);
      put('conditions', conditions);
      if (conditions?.['Ready']) facts.ready = conditions['Ready'] === 'True';
      facts.containers = containerFacts(spec['containers'], status['containerStatuses']);
      const references = podReferences(spec);
      if (references.configMaps.length) facts.configMaps = references.configMaps;
      if (references.secrets.length) facts.secrets = references.secrets;
      if (references.claims.length) facts.persistentVolumeClaims = references.claims;
      const calls = podCalls(spec);
      if (calls.length) facts.calls = calls;
      break;
    }
    case 'Service': {
      const selector = strMap(spec['selector']);
      if (selector) facts.serviceSelector = selector;
      put('serviceType', str(spec['type']));
      const ports = arr(spec['ports']).map((port) => `${num(port['port']) ?? '?'}/${str(port['protocol']) ?? 'TCP'}${port['targetPort'] !== undefined ? `->${String(port['targetPort'])}` : ''}`);
      if (ports.length) facts.ports = ports;
      const clusterIP = str(spec['clusterIP']);
      if (clusterIP && clusterIP !== 'None') facts.clusterIP = clusterIP;
      break;
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job': {
      put('selector', selectorOf(spec['selector']));
      put('replicas', num(spec['replicas']) ?? num(spec['parallelism']));
      put('readyReplicas', num(status['readyReplicas']) ?? num(status['numberReady']) ?? num(status['succeeded']));
      put('conditions', conditionsOf(status));
      const template = obj(obj(spec['template'])['spec']);
      const references = podReferences(template);
      if (references.configMaps.length) facts.configMaps = references.configMaps;
      if (references.secrets.length) facts.secrets = references.secrets;
      if (references.claims.length) facts.persistentVolumeClaims = references.claims;
      put('serviceAccountName', accountOf(template));
      const names = [...arr(template['initContainers']), ...arr(template['containers'])].map((container) => str(container['name'])).filter((name): name is string => !!name);
      if (names.length) facts.templateContainers = names;
      break;
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      put('roleRef', roleRefOf(object));
      put('subjects', subjectsOf(object, str(metadata['namespace'])));
      break;
    case 'NetworkPolicy':
      facts.selector = selectorOf(spec['podSelector']) ?? {};
      break;
    case 'PodDisruptionBudget':
      put('selector', selectorOf(spec['selector']));
      put('disruptionBudget', disruptionBudgetFacts(object));
      break;
    case 'Ingress':
      facts.services = ingressServices(spec);
      break;
    case 'PersistentVolumeClaim':
      put('volumeName', str(spec['volumeName']));
      put('phase', str(status['phase']));
      break;
    case 'PersistentVolume':
      put('phase', str(status['phase']));
      break;
    case 'VolumeAttachment':
      // Which volume is attached to which node, and whether it is.
      put('nodeName', str(spec['nodeName']));
      put('volumeName', str(obj(spec['source'])['persistentVolumeName']));
      if (typeof status['attached'] === 'boolean') facts.ready = status['attached'];
      break;
    case 'HorizontalPodAutoscaler': {
      const target = obj(spec['scaleTargetRef']);
      const targetKind = str(target['kind']);
      const targetName = str(target['name']);
      if (targetKind && targetName) facts.scaleTarget = { kind: targetKind, name: targetName };
      put('minReplicas', num(spec['minReplicas']) ?? 1);
      put('maxReplicas', num(spec['maxReplicas']));
      put('replicas', num(status['desiredReplicas']));
      put('readyReplicas', num(status['currentReplicas']));
      put('conditions', hpaConditions(object));
      break;
    }
    case 'Endpoints':
    case 'EndpointSlice': {
      const counts = endpointCounts(object);
      facts.readyEndpoints = counts.ready;
      facts.notReadyEndpoints = counts.notReady;
      break;
    }
    case 'ConfigMap': {
      const hashes = keyHashes(object);
      facts.dataKeys = Object.keys(hashes).sort();
      facts.contentHash = contentHash(hashes);
      const calls = configCalls(obj(object['data']));
      if (calls.length) facts.calls = calls;
      break;
    }
    case 'Secret': {
      // Keys where the API gives them; a content hash only of keyed fingerprints, never of values.
      facts.dataKeys = secretKeys(object);
      put('contentHash', secretContentHash(object));
      break;
    }
    case 'Node': {
      put('conditions', conditionsOf(status));
      const taints = arr(spec['taints']).map((taint) => `${str(taint['key']) ?? ''}${taint['value'] ? `=${String(taint['value'])}` : ''}:${str(taint['effect']) ?? ''}`);
      if (taints.length) facts.taints = taints.sort();
      if (spec['unschedulable'] === true) facts.unschedulable = true;
      if (facts.conditions?.['Ready']) facts.ready = facts.conditions['Ready'] === 'True';
      break;
    }
    case 'Namespace':
      put('phase', str(status['phase']));
      break;
    case 'ServiceAccount': {
      // The pull credentials it gives every pod that runs as it: dropping one breaks their next pulls.
      const pulls = arr(object['imagePullSecrets']).map((reference) => str(reference['name'])).filter((name): name is string => !!name);
      if (pulls.length) facts.imagePullSecrets = pulls.sort();
      break;
    }
    default:
      break;
  }
  return facts;
}
