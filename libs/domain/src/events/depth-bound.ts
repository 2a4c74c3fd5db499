/**
 * What the text an object was parsed from says about its nesting: it cannot nest deeper
 * than the text has opening brackets (`{` and `[`; one inside a string only makes the bound
 * looser). Counting them with indexOf costs a fraction of walking the parsed object, so a
 * collector that parses a line checks that bound first and walks only when it is above the
 * limit, and notes it on the object: the pipeline's own depth check (nestsDeeperThan) then
 * takes the noted bound instead of walking the same event a second time.
 */
const knownBounds = new WeakMap<object, number>();

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

/** Records that `value` nests at most `levels` deep (it came from text with that many opening brackets at most). */
export function noteDepthBound(value: unknown, levels: number): void {
  if (value !== null && typeof value === 'object') knownBounds.set(value, levels);
}

/** The nesting `value` is known not to exceed, when a collector noted it. */
export function knownDepthBound(value: object): number | undefined {
  return knownBounds.get(value);
}
