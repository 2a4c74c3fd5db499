/**
 * The wire form of the transformer state as a log (`NatsStateStore`): one JetStream subject
 * per scope whose messages are batches of changed keys, and now and then a snapshot of
 * every live key in parts. A key-value write per changed object made the server store,
 * acknowledge and index one message per object per RawEvent; a batch carries every key
 * changed while the previous batch was in flight.
 *
 *   batch:         {"b":"<message id>","e":[["key",value],["removed key"],["key",drop,[appended]]]}
 *   snapshot part: {"s":"<snapshot id>","p":<part>,"n":<parts>,"e":[...]}
 *
 * An entry of three is an array value written as what changed since the key's last entry:
 * its first `drop` elements gone, `appended` added at its end. The transformer's state of an
 * object is its last few versions, and a new version drops an old one and appends itself:
 * the whole list on every change was two thirds of the text the transformer stage sent.
 * Applying such an entry twice would drop and append twice, so every batch message carries
 * an id of its own, and a copy stored again (a resend after a timeout the server had in fact
 * met, beyond its duplicate window) is skipped on reading.
 */

/**
 * A value's JSON text: whole, or an array value as its elements' texts (the log can then
 * write what changed of it). Element texts are compared by content, never parsed.
 */
export type StateJson = string | readonly string[];

/** A key with its value's JSON, or undefined: the key was removed. */
export type StateChange = readonly [key: string, json: StateJson | undefined];

interface StateMessage {
  b?: string;
  s?: string;
  p?: number;
  n?: number;
  e: Array<[string, unknown?, unknown[]?]>;
}

/** The whole JSON text of a value. */
export function wholeJson(json: StateJson): string {
  return typeof json === 'string' ? json : `[${json.join(',')}]`;
}

/** How long `wholeJson(json)` is, without building it. */
export function jsonLength(json: StateJson): number {
  if (typeof json === 'string') return json.length;
  let length = 1 + json.length;
  for (const element of json) length += element.length;
  return json.length === 0 ? 2 : length;
}

/** A key's entry with its whole value, or its removal (`json` undefined). */
export function entryText(key: string, json: StateJson | undefined): string {
  return json === undefined ? `[${JSON.stringify(key)}]` : `[${JSON.stringify(key)},${wholeJson(json)}]`;
}

/**
 * A key's entry from its last written value `before` to `after`: what changed of an array
 * (a few dropped at its start, a few appended), or the whole value when it changed otherwise;
 * undefined when nothing changed. Text equality of elements: equal texts, equal elements.
 */
export function changeEntry(key: string, before: StateJson | undefined, after: StateJson | undefined): string | undefined {
  if (after === undefined) return before === undefined ? undefined : entryText(key, undefined);
  if (typeof after === 'string' || typeof before !== 'object') return before === after ? undefined : entryText(key, after);
  const drop = droppedBefore(before, after);
  const kept = before.length - (drop ?? 0);
  // Nothing kept: the whole value, as long and read without the one before it.
  if (drop === undefined || kept === 0) return entryText(key, after);
  if (drop === 0 && kept === after.length) return undefined;
  return `[${JSON.stringify(key)},${drop},[${after.slice(kept).join(',')}]]`;
}

/** How many of `before`'s first elements `after` lacks, when `after` is the rest of `before` followed by new elements (undefined: it is not). */
function droppedBefore(before: readonly string[], after: readonly string[]): number | undefined {
  for (let drop = 0; drop <= before.length; drop += 1) {
    const kept = before.length - drop;
    if (kept > after.length) continue;
    let same = true;
    for (let index = 0; index < kept && same; index += 1) same = before[drop + index] === after[index];
    if (same) return drop;
  }
  return undefined;
}

/**
 * Texts of the messages carrying `entries` (from `entryText` / `changeEntry`), each at most
 * about `maxChars` long (an entry longer than that goes alone). `id`: a batch's, each of its
 * messages then named `<id>.<part>`; `snapshot`: the parts of one snapshot, each naming it.
 * The keys of one call are distinct, so its messages may be stored in any order.
 */
export function stateMessages(entries: Iterable<string>, maxChars: number, name: { batch: string } | { snapshot: string }): string[] {
  const bodies: string[] = [];
  let body = '';
  for (const entry of entries) {
    if (body.length > 0 && body.length + entry.length + 1 > maxChars) {
      bodies.push(body);
      body = '';
    }
    body = body.length === 0 ? entry : `${body},${entry}`;
  }
  if (body.length > 0 || bodies.length === 0) bodies.push(body);
  if ('batch' in name) return bodies.map((text, part) => `{"b":${JSON.stringify(`${name.batch}.${part}`)},"e":[${text}]}`);
  const id = JSON.stringify(name.snapshot);
  return bodies.map((text, part) => `{"s":${id},"p":${part},"n":${bodies.length},"e":[${text}]}`);
}

/**
 * Folds a scope's messages, in stream order, into its live entries. Everything before the
 * first message of the last complete snapshot is superseded by it (its parts hold every
 * key live at that moment); a snapshot cut short by a crash still holds values newer than
 * what precedes it and is applied as a batch. `base`: entries from before the log (the
 * key-value stream it replaced), kept unless a complete snapshot supersedes them. A batch
 * message stored twice is applied once.
 */
export function foldStateMessages(texts: readonly string[], base: ReadonlyMap<string, unknown> = new Map()): Map<string, unknown> {
  const messages = texts.map((text) => JSON.parse(text) as StateMessage);
  const snapshots = new Map<string, { first: number; parts: Set<number>; count: number }>();
  let start = -1;
  messages.forEach((message, index) => {
    if (message.s === undefined) return;
    let snapshot = snapshots.get(message.s);
    if (!snapshot) snapshots.set(message.s, (snapshot = { first: index, parts: new Set(), count: message.n ?? 0 }));
    snapshot.parts.add(message.p ?? -1);
    if (snapshot.parts.size === snapshot.count && snapshot.first > start) start = snapshot.first;
  });
  const entries = start < 0 ? new Map(base) : new Map<string, unknown>();
  const applied = new Set<string>();
  for (let index = Math.max(start, 0); index < messages.length; index += 1) {
    const message = messages[index] as StateMessage;
    if (message.b !== undefined) {
      if (applied.has(message.b)) continue;
      applied.add(message.b);
    }
    for (const entry of message.e) {
      if (entry.length < 2) entries.delete(entry[0]);
      else if (entry.length === 2) entries.set(entry[0], entry[1]);
      else {
        // What changed of an array since the key's last entry; a key the log lacks (it cannot, but a hand-edited stream could) starts from nothing.
        const before = entries.get(entry[0]);
        const kept = Array.isArray(before) ? before.slice(Number(entry[1]) || 0) : [];
        entries.set(entry[0], [...kept, ...(Array.isArray(entry[2]) ? entry[2] : [])]);
      }
    }
  }
  return entries;
}
