/**
 * Small numbers for event types, so the window's indexes keep a key's per-type chain heads
 * in a short array of numbers instead of a Map per key (fewer objects and no string hashing
 * per event and index). Ids are handed out on first sight and never reused; event types
 * are a closed vocabulary, so the table stays small.
 */
const ids = new Map<string, number>();
const ofSets = new WeakMap<ReadonlySet<string>, readonly number[]>();
const masks = new WeakMap<ReadonlySet<string>, Uint8Array>();

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

/**
 * A set of types as a membership table by type id (1 = in the set); ids handed out after it
 * was built read as undefined, i.e. not in it. Kept per set object, as `typeIdsOf`.
 */
export function typeMaskOf(types: ReadonlySet<string>): Uint8Array {
  let mask = masks.get(types);
  if (mask === undefined) {
    const ids = typeIdsOf(types);
    mask = new Uint8Array(Math.max(0, ...ids) + 1);
    for (const id of ids) mask[id] = 1;
    masks.set(types, mask);
  }
  return mask;
}
