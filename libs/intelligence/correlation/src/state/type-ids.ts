/**
 * Small numbers for event types, so the window's indexes keep a key's per-type chain heads
 * in a short array of numbers instead of a Map per key (fewer objects and no string hashing
 * per event and index). Ids are handed out on first sight and never reused; event types
 * are a closed vocabulary, so the table stays small.
 */
const ids = new Map<string, number>();
const ofSets = new WeakMap<ReadonlySet<string>, readonly number[]>();

export function typeIdOf(type: string): number {
  let id = ids.get(type);
  if (id === undefined) ids.set(type, (id = ids.size));
  return id;
}

/**
 * The ids of a set of types, in the set's order; kept per set object (the readers pass the
 * same constant sets event after event). A set must not change after it was first asked about.
 */
export function typeIdsOf(types: ReadonlySet<string>): readonly number[] {
  let found = ofSets.get(types);
  if (found === undefined || found.length !== types.size) {
    found = [...types].map(typeIdOf);
    ofSets.set(types, found);
  }
  return found;
}
