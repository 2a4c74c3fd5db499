import { RESOURCE_LABELS } from '@tapio/domain';

/** Every resource node carries this label besides its Kubernetes kind; its `key` is `entityKey()`. */
export const RESOURCE = 'Resource';

/** Node labels with a unique key property: the seed's resource kinds plus Tapio's own nodes. */
const UNIQUE_KEYS: ReadonlyArray<readonly [label: string, property: string]> = [
  [RESOURCE, 'key'],
  ...RESOURCE_LABELS.map((label) => [label, 'key'] as const),
  ['Event', 'id'],
  ['Insight', 'id'],
  ['Pattern', 'id'],
  ['Prediction', 'id'],
  ['Feedback', 'id'],
];

/** Range indexes behind the queries: time and type of events, cluster-less lookups, insight order. */
const INDEXES: ReadonlyArray<readonly [name: string, label: string, properties: string[]]> = [
  ['tapio_event_timestamp', 'Event', ['timestamp']],
  ['tapio_event_type_timestamp', 'Event', ['type', 'timestamp']],
  ['tapio_resource_ckey', RESOURCE, ['ckey']],
  ['tapio_resource_name', RESOURCE, ['name']],
  // Bounding deleted objects' nodes finds the ones deleted longest ago.
  ['tapio_resource_deleted_updated', RESOURCE, ['deleted', 'updated_at']],
  ['tapio_insight_first_seen', 'Insight', ['first_seen']],
  ['tapio_feedback_pattern', 'Feedback', ['pattern_id']],
  ['tapio_prediction_pattern', 'Prediction', ['pattern_id']],
  ['tapio_prediction_insight', 'Prediction', ['insight_id']],
];

function constraintName(label: string, property: string): string {
  return `tapio_${label.toLowerCase()}_${property}_unique`;
}

/** Idempotent schema statements (IF NOT EXISTS), run on every start. */
export function schemaStatements(): string[] {
  return [
    ...UNIQUE_KEYS.map(
      ([label, property]) =>
        `CREATE CONSTRAINT ${constraintName(label, property)} IF NOT EXISTS FOR (n:${label}) REQUIRE n.${property} IS UNIQUE`,
    ),
    ...INDEXES.map(
      ([name, label, properties]) =>
        `CREATE INDEX ${name} IF NOT EXISTS FOR (n:${label}) ON (${properties.map((property) => `n.${property}`).join(', ')})`,
    ),
  ];
}

/** Names of everything `schemaStatements` creates, for tests and docs. */
export function schemaNames(): { constraints: string[]; indexes: string[] } {
  return {
    constraints: UNIQUE_KEYS.map(([label, property]) => constraintName(label, property)),
    indexes: INDEXES.map(([name]) => name),
  };
}

const LABEL = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A Kubernetes kind usable as a label (inlined into Cypher, so it must be a plain identifier). */
export function kindLabel(kind: string): string | undefined {
  return LABEL.test(kind) && kind !== RESOURCE ? kind : undefined;
}
