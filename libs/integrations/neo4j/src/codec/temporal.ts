import neo4j, { type DateTime } from 'neo4j-driver';

/** An RFC 3339 timestamp as a native Neo4j DATETIME (UTC, millisecond precision). */
export function toDateTime(iso: string): DateTime<number> {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new Error(`not an RFC 3339 timestamp: "${iso}"`);
  return neo4j.types.DateTime.fromStandardDate(new Date(millis)) as DateTime<number>;
}

export function optionalDateTime(iso: string | undefined): DateTime<number> | null {
  return iso === undefined ? null : toDateTime(iso);
}

/** A whole number as a native Neo4j INTEGER (JS numbers would be stored as FLOAT). */
export function toInteger(value: number): ReturnType<typeof neo4j.int> {
  return neo4j.int(Math.trunc(value));
}

export function optionalInteger(value: number | undefined): ReturnType<typeof neo4j.int> | null {
  return value === undefined ? null : toInteger(value);
}

/** A millisecond delay as a native Neo4j DURATION. */
export function toDuration(milliseconds: number): InstanceType<typeof neo4j.types.Duration> {
  const seconds = Math.floor(milliseconds / 1000);
  const nanoseconds = Math.round((milliseconds - seconds * 1000) * 1_000_000);
  return new neo4j.types.Duration(0, 0, seconds, nanoseconds);
}
