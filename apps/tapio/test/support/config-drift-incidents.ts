import type { K8sObject, RecordedLine } from './recording-variants.js';
import { RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { endpointsReady, records, ref, spec } from './rollout-steps.js';

type Json = Record<string, unknown>;

/** The pods (of any workload in the namespace) that mount `configMap` as a volume: they see every edit within a minute, without a restart. */
function mountersOf(editor: RecordingEditor, namespace: string, configMap: string): K8sObject[] {
  return editor.find('Pod', (pod) => pod.metadata.namespace === namespace && !pod.metadata['deletionTimestamp'] && records(spec(pod)['volumes']).some((volume) => (volume['configMap'] as Json | undefined)?.['name'] === configMap));
}

/** One edit of the first data key: `edit` turns the old text into the new one. */
function editData(editor: RecordingEditor, namespace: string, configMap: string, edit: (text: string, round: number) => string, round: number): void {
  editor.modify('ConfigMap', namespace, configMap, (object) => {
    const data = (object['data'] as Json | undefined) ?? {};
    const key = Object.keys(data)[0] ?? 'config.json';
    data[key] = edit(String(data[key] ?? ''), round);
    object['data'] = data;
  });
}

/** A readiness probe that answers 503 (the app reloaded a setting it cannot serve with) and the pod leaving its Service, or coming back. */
function flaps(editor: RecordingEditor, pod: K8sObject, ready: boolean): void {
  const container = String(records(spec(pod)['containers'])[0]?.['name'] ?? 'app');
  if (!ready) editor.event(pod, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { type: 'Warning', fieldPath: `spec.containers{${container}}`, host: String(spec(pod)['nodeName']) });
  editor.modify('Pod', pod.metadata.namespace, pod.metadata.name, (object) => setReady(object, ready, editor.now));
  endpointsReady(editor, [pod], ready);
}

/** A setting tuned by hand, edit after edit: a number in the config made smaller each time (a timeout, a pool size). */
export const tighten = (setting: string) => (text: string, round: number) => {
  const pattern = new RegExp(`("?${setting}"?\\s*:\\s*)(\\d+)`);
  if (pattern.test(text)) return text.replace(pattern, (_all, head: string, value: string) => `${head}${Math.max(1, Math.floor(Number(value) / (3 + round)))}`);
  // The setting is new: added where the format wants it (a JSON object's last key, or a YAML line).
  const trimmed = text.trimEnd();
  return trimmed.endsWith('}') ? `${trimmed.slice(0, -1).trimEnd()},\n  "${setting}": ${400 >> round}\n}\n` : `${trimmed}\n${setting}: ${400 >> round}\n`;
};

/**
 * Configuration drift: a ConfigMap the pods mount (and reload without restarting) is edited
 * `edits` times within minutes, each edit tuning the same setting further; after the second
 * the pods that use it start failing readiness (503) now and then, one or two at a time, and
 * come back; no container restarts. Root: the ConfigMap.
 */
export function configDrift(recording: readonly RecordedLine[], namespace: string, configMap: string, options: { edits?: number; setting?: string; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `drift-${configMap}`);
  const edit = tighten(options.setting ?? 'timeoutMs');
  const users = mountersOf(editor, namespace, configMap);
  if (users.length < 2) throw new Error(`fewer than two pods mount ConfigMap ${namespace}/${configMap}`);
  editor.advance(100);
  const edits = options.edits ?? 3;
  for (let round = 0; round < edits; round += 1) {
    editData(editor, namespace, configMap, edit, round);
    editor.advance(round === 0 ? 240 : 70);
    if (round === 0) continue;
    // The reloaded setting makes some requests fail: pods drop out of readiness in turn and return.
    for (const [index, pod] of users.entries()) {
      if ((index + round) % 3 === 0) continue;
      flaps(editor, pod, false);
      editor.advance(20);
      flaps(editor, pod, true);
      editor.advance(25);
    }
  }
  editor.advance(90);
  return { lines: editor.lines, accept: [ref(editor.get('ConfigMap', namespace, configMap))] };
}

/** Benign: the same ConfigMap edited twice (a GitOps sync, then a reviewer's follow-up); its pods reload and stay ready but for one probe blip. */
export function configEditedTwice(recording: readonly RecordedLine[], namespace: string, configMap: string, seed = 'drift-ok'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const [pod] = mountersOf(editor, namespace, configMap);
  if (!pod) throw new Error(`no pod mounts ConfigMap ${namespace}/${configMap}`);
  editor.advance(100);
  editData(editor, namespace, configMap, (text) => text.replace(/info/g, 'debug').replace(/"cdn": "[^"]*"/, '"cdn": "https://static-eu.acme.io"'), 0);
  editor.advance(300);
  editData(editor, namespace, configMap, (text) => text.replace(/debug/g, 'info'), 1);
  editor.advance(40);
  flaps(editor, pod, false);
  editor.advance(10);
  flaps(editor, pod, true);
  editor.advance(300);
  return { lines: editor.lines, accept: [] };
}
