import { scaleDeployment } from './capacity-incidents.js';
import { containerStatus, RecordingEditor } from './recording-editor.js';
import type { K8sObject, RecordedLine } from './recording-variants.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

type Json = Record<string, unknown>;
const spec = (object: K8sObject) => object['spec'] as Json;
const ref = (object: K8sObject) => ({ kind: object.kind, namespace: object.metadata.namespace ?? null, name: object.metadata.name });

/** The host every generated Ingress serves. */
export const INGRESS_HOST = 'shop.example.com';

/** A route of the generated Ingress: a path under INGRESS_HOST to a Service port (by number or name). */
export interface Route {
  path: string;
  service: string;
  port?: { number?: number; name?: string };
}

/** A networking.k8s.io/v1 Ingress as the API server lists it (no controller needed: its status stays empty). */
function ingressObject(namespace: string, name: string, uid: string, routes: readonly Route[]): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, uid, resourceVersion: '1', generation: 1 },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: INGRESS_HOST, http: { paths: routes.map((route) => ({ path: route.path, pathType: 'Prefix', backend: { service: { name: route.service, port: route.port ?? { name: 'http' } } } })) } }],
    },
    status: { loadBalancer: {} },
  };
}

/** Adds the Ingress (at the editor's clock: the starting state when called first). */
function addIngress(editor: RecordingEditor, namespace: string, routes: readonly Route[], name = 'web-entry'): K8sObject {
  return editor.add(ingressObject(namespace, name, editor.uid(), routes));
}

/** Re-points one route of the Ingress (by path), as `kubectl edit ingress` would. */
function editRoute(editor: RecordingEditor, namespace: string, path: string, to: Route, name = 'web-entry'): K8sObject {
  return editor.modify('Ingress', namespace, name, (object) => {
    object.metadata['generation'] = Number(object.metadata['generation'] ?? 1) + 1;
    const paths = ((spec(object)['rules'] as Json[])[0]?.['http'] as Json)['paths'] as Json[];
    const route = paths.find((item) => item['path'] === path);
    if (!route) throw new Error(`Ingress ${namespace}/${name} has no route ${path}`);
    route['backend'] = { service: { name: to.service, port: to.port ?? { name: 'http' } } };
  });
}

/** Sets the Endpoints of a Service to no ready address (every pod gone or unselected). */
function emptyEndpoints(editor: RecordingEditor, namespace: string, service: string): void {
  editor.modify('Endpoints', namespace, service, (object) => void (object['subsets'] = []));
}

const entry = (service: string): Route[] => [
  { path: `/${service}`, service },
  { path: '/', service: 'frontend' },
];

/** Someone edits the selector of a Service an Ingress routes to with a typo: users entering through `/<service>` fail. Root: the Service. */
export function selectorTypoBehindIngress(recording: readonly RecordedLine[], namespace: string, service: string, seed = 'ingress-typo'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  addIngress(editor, namespace, entry(service));
  editor.advance(140);
  const edited = editor.modify('Service', namespace, service, (object) => void (spec(object)['selector'] = { app: `${service}e` }));
  editor.advance(1);
  emptyEndpoints(editor, namespace, service);
  editor.advance(150);
  return { lines: editor.lines, accept: [ref(edited)] };
}

/** The Ingress is edited to a Service name that does not exist, or a port its Service does not have. Root: the Ingress. */
export function ingressWrongBackend(recording: readonly RecordedLine[], namespace: string, service: string, mode: 'service' | 'port', seed = `ingress-wrong-${mode}`): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  addIngress(editor, namespace, entry(service));
  editor.advance(140);
  const to: Route = mode === 'service' ? { path: `/${service}`, service: `${service}-svc` } : { path: `/${service}`, service, port: { number: 8080 } };
  const edited = editRoute(editor, namespace, `/${service}`, to);
  editor.advance(150);
  return { lines: editor.lines, accept: [ref(edited)] };
}

/** The Deployment behind an Ingress's backend is scaled to 0: its pods go, the Service is left empty. Root: the Deployment. */
export function backendScaledToZero(recording: readonly RecordedLine[], namespace: string, deployment: string, seed = 'ingress-zero'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  addIngress(editor, namespace, entry(deployment));
  editor.advance(140);
  const pods = editor.podsOf(namespace, deployment);
  scaleDeployment(editor, namespace, deployment, 0);
  editor.advance(1);
  for (const pod of pods) {
    editor.event(pod, 'Killing', `Stopping container ${String(containerStatus(pod)['name'])}`);
    editor.delete('Pod', namespace, pod.metadata.name);
  }
  emptyEndpoints(editor, namespace, deployment);
  editor.advance(150);
  return { lines: editor.lines, accept: [ref(editor.get('Deployment', namespace, deployment))] };
}

/** Benign: the Ingress's route is switched to another Service that exists and is ready. */
export function ingressSwitchedBackend(recording: readonly RecordedLine[], namespace: string, from: string, to: string, seed = 'ingress-switch'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  addIngress(editor, namespace, entry(from));
  editor.advance(140);
  editRoute(editor, namespace, `/${from}`, { path: `/${from}`, service: to });
  editor.advance(150);
  return { lines: editor.lines, accept: [] };
}

/** Benign: a single-replica Recreate rollout behind an Ingress empties its backend for 20 seconds. */
export function backendBlipBehindIngress(recording: readonly RecordedLine[], namespace: string, service: string, seed = 'ingress-blip'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  addIngress(editor, namespace, entry(service));
  editor.advance(140);
  const subsets = structuredClone(editor.get('Endpoints', namespace, service)['subsets']);
  emptyEndpoints(editor, namespace, service);
  editor.advance(20);
  editor.modify('Endpoints', namespace, service, (object) => void (object['subsets'] = subsets));
  editor.advance(150);
  return { lines: editor.lines, accept: [] };
}

/** Benign: a whole recorded rolling update (all of `recording`) with an Ingress routing to the rolled-out Service from the start. */
export function rollingUpdateBehindIngress(recording: readonly RecordedLine[], namespace: string, service: string): SyntheticIncident {
  const first = recording[0] as RecordedLine;
  const object = ingressObject(namespace, 'web-entry', '6f1c2a4e-0000-4000-8000-00000000a001', entry(service));
  const line: RecordedLine = { timestamp: first.timestamp, source: first.source, type: 'ADDED', metadata: { ...first.metadata }, data: { type: 'ADDED', object } };
  const starting = recording.findIndex((item) => item.timestamp !== first.timestamp || item.type !== 'ADDED');
  const at = starting < 0 ? recording.length : starting;
  return { lines: [...recording.slice(0, at), line, ...recording.slice(at)], accept: [] };
}
