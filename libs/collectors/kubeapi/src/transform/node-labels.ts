import type { ChangeItem, K8sObjectFacts } from '@tapio/domain';
import type { Signal } from './signal.js';

/**
 * Lost labels kept per node: a controller that rewrites a label on every pass (a feature
 * detector's timestamp) would otherwise grow the list without end; the newest are kept.
 */
const MAX_LOST = 16;

/**
 * The `key=value` labels a node had in `previous` and lacks now: removed, or given another
 * value. Those are what a pod's node selector or required affinity may have matched on; a
 * label added takes nothing away from a pod placed by selector, so it is not counted.
 */
export function labelsLost(previous: K8sObjectFacts | undefined, facts: K8sObjectFacts): string[] {
  if (!previous?.labels) return [];
  const now = facts.labels ?? {};
  const lost: string[] = [];
  for (const key in previous.labels) if (now[key] !== previous.labels[key]) lost.push(`${key}=${previous.labels[key]}`);
  return lost;
}

/** `kept` (labels lost earlier) without those the node carries again, then `lost` (lost now), newest last and at most MAX_LOST. */
export function stillLost(kept: readonly string[] | undefined, lost: readonly string[], facts: K8sObjectFacts): string[] {
  const now = facts.labels ?? {};
  const carried = (label: string) => {
    const at = label.indexOf('=');
    return now[label.slice(0, at)] === label.slice(at + 1);
  };
  const result = (kept ?? []).filter((label) => !carried(label) && !lost.includes(label));
  result.push(...lost);
  return result.slice(-MAX_LOST);
}

/**
 * A node that lost labels: a change of its own (`node_spec_changed`), as a taint is, which the
 * spec digest does not see. "Node n labels changed: tier=frontend removed, zone=a -> b".
 */
export function nodeLabelSignals(previous: K8sObjectFacts | undefined, facts: K8sObjectFacts): Signal[] {
  const lost = labelsLost(previous, facts);
  if (!lost.length) return [];
  const now = facts.labels ?? {};
  const changes: ChangeItem[] = lost.map((label) => {
    const at = label.indexOf('=');
    const key = label.slice(0, at);
    const after = now[key];
    return { path: `metadata.labels.${key}`, op: after === undefined ? 'removed' : 'changed', before: label.slice(at + 1), ...(after === undefined ? {} : { after }) };
  });
  const described = changes.map((change) => `${change.path.slice('metadata.labels.'.length)}=${change.before}${change.after === undefined ? ' removed' : ` -> ${change.after}`}`);
  return [{ type: 'node_spec_changed', key: `labels:${lost.join(',')}`, message: `Node ${facts.name} labels changed: ${described.join(', ')}`, kubernetes: { reason: 'NodeLabelsChanged', changes } }];
}
