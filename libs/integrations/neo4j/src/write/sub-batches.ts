import { entityKey, type TopologyChange } from '@tapio/domain';
import type { WriteOp } from './write-op.js';

type Upsert = Extract<TopologyChange, { op: 'upsert' }>;

/** One side of an edge set: `key|TYPE|out` are the TYPE edges leaving key, `key|TYPE|in` those entering it. */
const side = (key: string, type: string, direction: 'out' | 'in'): string => `${key}|${type}|${direction}`;

function listedSides(change: Upsert): string[] {
  return change.edges.flatMap((edge) => [side(edge.from, edge.type, 'out'), side(edge.to, edge.type, 'in')]);
}

function replacedSides(change: Upsert): string[] {
  return change.replace.map(({ type, direction }) => side(change.node.key, type, direction));
}

/** What the ops of the current sub-batch have touched so far. */
class Touched {
  /** Nodes upserted or deleted. */
  readonly nodes = new Set<string>();
  /** Every key named, as a node or as an edge endpoint. */
  readonly named = new Set<string>();
  readonly deleted = new Set<string>();
  readonly listed = new Set<string>();
  readonly replaced = new Set<string>();
  readonly insights = new Set<string>();
}

/** The sides an upsert lists edges on and replaces, computed once per op. */
interface Sides {
  listed: string[];
  replaced: string[];
}

function sidesOf(op: WriteOp): Sides | undefined {
  return op.kind === 'topology' && op.change.op === 'upsert' ? { listed: listedSides(op.change), replaced: replacedSides(op.change) } : undefined;
}

/** Whether applying `op` set-wise with the ops already in `touched` could differ from applying them in order. */
function conflicts(op: WriteOp, sides: Sides | undefined, touched: Touched): boolean {
  switch (op.kind) {
    case 'topology': {
      const change = op.change;
      if (change.op === 'delete') return touched.nodes.has(change.key) || touched.named.has(change.key);
      if (touched.nodes.has(change.node.key)) return true;
      return (sides?.replaced ?? []).some((s) => touched.listed.has(s)) || (sides?.listed ?? []).some((s) => touched.replaced.has(s));
    }
    case 'event':
      return op.event.entity !== undefined && touched.deleted.has(entityKey(op.event.entity));
    case 'insight':
      return touched.insights.has(op.insight.id);
    default:
      return false;
  }
}

function record(op: WriteOp, sides: Sides | undefined, touched: Touched): void {
  if (op.kind === 'insight') touched.insights.add(op.insight.id);
  if (op.kind !== 'topology') return;
  const change = op.change;
  if (change.op === 'delete') {
    touched.nodes.add(change.key);
    touched.named.add(change.key);
    touched.deleted.add(change.key);
    return;
  }
  touched.nodes.add(change.node.key);
  touched.named.add(change.node.key);
  for (const edge of change.edges) {
    touched.named.add(edge.from);
    touched.named.add(edge.to);
  }
  for (const s of sides?.listed ?? []) touched.listed.add(s);
  for (const s of sides?.replaced ?? []) touched.replaced.add(s);
}

/**
 * Splits a batch into consecutive sub-batches whose ops can be applied as set-wise
 * statements (node upserts, stubs, events, deletes, then edge replacements) with the same
 * result as applying them one by one in order. A new sub-batch starts only where order
 * matters:
 * - a node upserted or deleted twice (the last write must win, edge sets must not merge);
 * - a delete of a key an earlier op named (set-wise, its edges would be merged after the delete);
 * - an edge set replaced on a node while another op lists edges on that same side, either way
 *   round (set-wise, the replacement and the listing could run in the wrong order);
 * - an event about a node deleted just before, or an insight rewritten.
 * Pods sharing a ReplicaSet, Node or ConfigMap do not conflict: each replaces only its own sides.
 */
export function subBatches(ops: readonly WriteOp[]): WriteOp[][] {
  const result: WriteOp[][] = [];
  let current: WriteOp[] = [];
  let touched = new Touched();
  for (const op of ops) {
    const sides = sidesOf(op);
    if (current.length && conflicts(op, sides, touched)) {
      result.push(current);
      current = [];
      touched = new Touched();
    }
    record(op, sides, touched);
    current.push(op);
  }
  if (current.length) result.push(current);
  return result;
}
