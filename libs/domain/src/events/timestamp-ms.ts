/**
 * `Date.parse` of an event's timestamp, remembering the last text it parsed. The pipeline's
 * limit check and the transformers each need the RawEvent's time as a number, from the same
 * string, once per event: `Date.parse` is one of the dearer calls on that path (about a
 * microsecond), and the second reader of the same string gets the number back for one
 * comparison. One entry, not a map: nothing to bound, nothing kept but the last text.
 */
let lastText: string | undefined;
let lastMs = Number.NaN;

export function timestampMs(text: string): number {
  if (text !== lastText) {
    lastMs = Date.parse(text);
    lastText = text;
  }
  return lastMs;
}
