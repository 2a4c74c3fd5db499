import type { K8sObject, RecordedLine } from './recording-variants.js';
import { containerStatus, RecordingEditor, setReady } from './recording-editor.js';
import { endpointsReady, type Json, records, ref, spec } from './rollout-steps.js';
import type { SyntheticIncident } from './synthetic-incidents.js';

/**
 * How the pods that use an edited ConfigMap fare after the first of them crashed on it
 * (config-cascade then predicts the others will fail on their next restart):
 * - `all-fail`: each of the others reloads it and crashes in turn (the prediction comes true);
 * - `some-recover`: the next one crashes, the last ones reload it and become ready again
 *   (partly right);
 * - `reverted`: the ConfigMap is edited back before the others reload it; the crashing pod
 *   restarts healthy (withdrawn).
 */
export type CascadeOutcome = 'all-fail' | 'some-recover' | 'reverted';

const BROKEN_LINE = '  retries: -1';

/** The pods of `namespace` that mount ConfigMap `name`, in name order. */
function usersOf(editor: RecordingEditor, namespace: string, name: string): K8sObject[] {
  const users = editor.find('Pod', (pod) => pod.metadata.namespace === namespace && records(spec(pod)['volumes']).some((volume) => (volume['configMap'] as Json | undefined)?.['name'] === name));
  return users.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/** A container of the pod restarting after it exited 1 (on a bad configuration, a refused call), then waiting in CrashLoopBackOff. */
export function crash(editor: RecordingEditor, pod: K8sObject): void {
  const { namespace, name } = pod.metadata;
  const containerName = String(containerStatus(pod)['name']);
  for (let restart = 1; restart <= 2; restart += 1) {
    editor.modify('Pod', namespace, name, (object) => {
      const container = containerStatus(object);
      container['restartCount'] = Number(container['restartCount'] ?? 0) + 1;
      container['lastState'] = { terminated: { exitCode: 1, reason: 'Error', startedAt: editor.now, finishedAt: editor.now } };
      container['state'] = restart === 2 ? { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${containerName}` } } : { running: { startedAt: editor.now } };
      setReady(object, false, editor.now);
    });
    editor.advance(restart === 2 ? 3 : 12);
  }
}

/** The pod reloads its configuration: not ready for a few seconds, then ready again. */
function reload(editor: RecordingEditor, pod: K8sObject): void {
  editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, false, editor.now));
  editor.advance(6);
  editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, true, editor.now));
}

/** A ConfigMap edited in place with a bad line; the first pod using it crashes, then `outcome` (accept: the ConfigMap). */
export function configCascadeCourse(recording: readonly RecordedLine[], namespace: string, name: string, outcome: CascadeOutcome, seed = 'cascade'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  editor.advance(180);
  const key = (object: K8sObject) => Object.keys((object['data'] as Json | undefined) ?? {})[0] ?? 'config.yaml';
  let original = '';
  const changed = editor.modify('ConfigMap', namespace, name, (object) => {
    const data = (object['data'] as Json | undefined) ?? {};
    original = String(data[key(object)] ?? '');
    data[key(object)] = `${original.replace(/\n?$/, '\n')}${BROKEN_LINE}\n`;
    object['data'] = data;
  });
  const [first, ...others] = usersOf(editor, namespace, name);
  if (!first || !others.length) throw new Error(`ConfigMap ${namespace}/${name} needs at least two pods using it`);
  editor.advance(40);
  crash(editor, first);
  endpointsReady(editor, [first], false);
  editor.advance(30);
  if (outcome === 'all-fail') {
    for (const pod of others) {
      crash(editor, pod);
      editor.advance(20);
    }
  } else if (outcome === 'some-recover') {
    crash(editor, others[0] as K8sObject);
    editor.advance(20);
    for (const pod of others.slice(1)) {
      reload(editor, pod);
      editor.advance(15);
    }
  } else {
    editor.modify('ConfigMap', namespace, name, (object) => void ((object['data'] as Json)[key(object)] = original));
    editor.advance(25);
    editor.modify('Pod', namespace, first.metadata.name, (object) => {
      containerStatus(object)['state'] = { running: { startedAt: editor.now } };
      setReady(object, true, editor.now);
    });
    endpointsReady(editor, [first], true);
  }
  editor.advance(120);
  return { lines: editor.lines, accept: [ref(changed)] };
}
