import { entityKey, type TopologyChange } from '@tapio/domain';
import type { WriteOp } from './write-op.js';

/** Keys whose state a topology change reads or writes: the node and every edge endpoint it names. */
function touchedKeys(change: TopologyChange): string[] {
  if (change.op === 'delete') return [change.key];
  return [change.node.key, ...change.edges.flatMap((edge) => [edge.from, edge.to])];
}

/**
 * Splits a batch into consecutive sub-batches whose ops can be applied as set-wise
 * statements (all nodes, then all relationships) with the same result as applying them
 * one by one in order. A new sub-batch starts when an op touches what an earlier op of
 * the current one touched in an order-sensitive way: the same topology keys, an event
 * about a node deleted just before, or an insight rewritten twice.
 */
export function subBatches(ops: readonly WriteOp[]): WriteOp[][] {
  const result: WriteOp[][] = [];
  let current: WriteOp[] = [];
  let topologyKeys = new Set<string>();
  let deletedKeys = new Set<string>();
  let insightIds = new Set<string>();
  const cut = () => {
    if (current.length) result.push(current);
    current = [];
    topologyKeys = new Set();
    deletedKeys = new Set();
    insightIds = new Set();
  };
  for (const op of ops) {
    if (op.kind === 'topology') {
      const keys = touchedKeys(op.change);
      if (keys.some((key) => topologyKeys.has(key))) cut();
      for (const key of keys) topologyKeys.add(key);
      if (op.change.op === 'delete') deletedKeys.add(op.change.key);
    } else if (op.kind === 'event' && op.event.entity) {
      if (deletedKeys.has(entityKey(op.event.entity))) cut();
    } else if (op.kind === 'insight') {
      if (insightIds.has(op.insight.id)) cut();
      insightIds.add(op.insight.id);
    }
    current.push(op);
  }
  cut();
  return result;
}
