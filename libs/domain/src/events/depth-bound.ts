/**
 * What the text an object was parsed from says about its nesting: it cannot nest deeper
 * than the text has opening brackets (`{` and `[`; one inside a string only makes the bound
 * looser). Counting them with indexOf costs a fraction of walking the parsed object, so a
 * collector that parses a line checks that bound first and walks only when it is above the
 * limit, and notes it on the object: the pipeline's own depth check (nestsDeeperThan) then
 * takes the noted bound instead of walking the same event a second time.
 *
 * The bound is a non-enumerable symbol property of the object, not a WeakMap entry: every
 * watch event is noted, and a WeakMap insert (an identity hash, an ephemeron table entry the
 * garbage collector clears again) cost about as much as half the walk it saves. Being neither
 * enumerable nor a string key, it is invisible to JSON, spreads, Object.keys and structured
 * clones: a copy of the object carries no bound and is walked.
 */
const DEPTH_BOUND = Symbol('tapio.depthBound');

/** Opening brackets in `text`, counted until there are more than `stopAfter`. */
export function openingBrackets(text: string, stopAfter: number): number {
  let count = 0;
  for (const bracket of ['{', '[']) {
    let at = text.indexOf(bracket);
    while (at !== -1) {
      count += 1;
      if (count > stopAfter) return count;
      at = text.indexOf(bracket, at + 1);
    }
  }
  return count;
}

/** The nesting the text of a JSON value allows, when within `limit` (undefined: the count passed it, which bounds nothing). */
export function depthBoundOfText(text: string, limit: number): number | undefined {
  const brackets = openingBrackets(text, limit);
  return brackets <= limit ? brackets : undefined;
}

/**
 * Notes on `value`, parsed from `text` (or from a text that wraps it in `enclosing` more
 * levels, like a watch message around its object), the nesting the text allows, when within
 * `limit`. Returns the bound of the text (undefined when there is none).
 */
export function noteDepthFromText(value: unknown, text: string, limit: number, enclosing = 0): number | undefined {
  const bound = depthBoundOfText(text, limit);
  if (bound !== undefined) noteDepthBound(value, bound - enclosing);
  return bound;
}

/** Records that `value` nests at most `levels` deep (it came from text with that many opening brackets at most). */
export function noteDepthBound(value: unknown, levels: number): void {
  if (value !== null && typeof value === 'object' && Object.isExtensible(value)) Object.defineProperty(value, DEPTH_BOUND, { value: levels, configurable: true });
}

/** The nesting `value` is known not to exceed, when a collector noted it. */
export function knownDepthBound(value: object): number | undefined {
  return (value as { [DEPTH_BOUND]?: number })[DEPTH_BOUND];
}
