import type { ResourceNode } from '@tapio/domain';
import { resourceProperties } from '../codec/resource-codec.js';
import { kindLabel } from '../schema/graph-schema.js';
import type { Statement } from './statement.js';

/**
 * Properties without the nulls: `SET r = map` removes every property the map does not name, as
 * it removes those it names as null, so the result is the same; each null costs packing and a
 * property write on the database (a resource upsert: 34 database hits per row with them).
 */
export function withoutNulls(props: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) if (value !== null) kept[name] = value;
  return kept;
}

/** Groups rows by the label their kind gives; nodes of kinds that are no valid label get only :Resource. */
export function byLabel<T>(rows: T[], kindOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const label = kindLabel(kindOf(row)) ?? '';
    let group = groups.get(label);
    if (!group) groups.set(label, (group = []));
    group.push(row);
  }
  return groups;
}

/** Nodes only referenced (edge endpoints, event entities, what insights are about): created if missing, never overwritten. */
export function stubStatements(stubs: readonly ResourceNode[]): Statement[] {
  const rows = stubs.map((node) => ({ key: node.key, kind: node.ref.kind, props: withoutNulls(resourceProperties(node, true)) }));
  return [...byLabel(rows, (row) => row.kind)].map(([label, group]) => ({
    text: `UNWIND $rows AS row MERGE (r:Resource {key: row.key}) ON CREATE SET r = row.props${label ? `, r:${label}` : ''}`,
    params: { rows: group.map(({ key, props }) => ({ key, props })) },
  }));
}
