/**
 * JSON of a state value, reusing the text of array elements seen before. The
 * transformer's state of an object is its last few versions, and each write of it carries
 * them all while only the newest is new: serialising each version once (the text kept per
 * element object, forgotten with it) instead of the whole history on every write. Relies on
 * what StateStore asks of its callers: an element written is not changed afterwards (a new
 * value is a new object).
 */
export class ElementJson {
  private readonly texts = new WeakMap<object, string>();

  /** An array value as its elements' texts (the state log writes what changed of it), anything else as its text. */
  json(value: unknown): string | string[] {
    if (!Array.isArray(value)) return JSON.stringify(value);
    const texts: string[] = new Array(value.length);
    for (let index = 0; index < value.length; index += 1) texts[index] = this.element(value[index]);
    return texts;
  }

  private element(element: unknown): string {
    if (typeof element !== 'object' || element === null) return JSON.stringify(element) ?? 'null';
    let text = this.texts.get(element);
    if (text === undefined) {
      // As inside an array: what has no JSON form (a function, undefined) is null there.
      text = JSON.stringify(element) ?? 'null';
      this.texts.set(element, text);
    }
    return text;
  }
}
