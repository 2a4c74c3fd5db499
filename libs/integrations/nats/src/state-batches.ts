/**
 * The wire form of the transformer state as a log (`NatsStateStore`): one JetStream subject
 * per scope whose messages are batches of changed keys, and now and then a snapshot of
 * every live key in parts. A key-value write per changed object made the server store,
 * acknowledge and index one message per object per RawEvent; a batch carries every key
 * changed while the previous batch was in flight.
 *
 *   batch:         {"e":[["key",value],["removed key"]]}
 *   snapshot part: {"s":"<snapshot id>","p":<part>,"n":<parts>,"e":[...]}
 */

/** A key with its value's JSON text, or undefined: the key was removed. */
export type StateChange = readonly [key: string, json: string | undefined];

interface StateMessage {
  s?: string;
  p?: number;
  n?: number;
  e: Array<[string, unknown?]>;
}

const entryText = (key: string, json: string | undefined): string => (json === undefined ? `[${JSON.stringify(key)}]` : `[${JSON.stringify(key)},${json}]`);

/**
 * Texts of the messages carrying `changes`, each at most about `maxChars` long (an entry
 * longer than that goes alone). `snapshot`: the parts of one snapshot, each naming it.
 * The keys of one call are distinct, so its messages may be stored in any order.
 */
export function stateMessages(changes: Iterable<StateChange>, maxChars: number, snapshot?: string): string[] {
  const bodies: string[] = [];
  let body = '';
  for (const [key, json] of changes) {
    const entry = entryText(key, json);
    if (body.length > 0 && body.length + entry.length + 1 > maxChars) {
      bodies.push(body);
      body = '';
    }
    body = body.length === 0 ? entry : `${body},${entry}`;
  }
  if (body.length > 0 || bodies.length === 0) bodies.push(body);
  if (snapshot === undefined) return bodies.map((entries) => `{"e":[${entries}]}`);
  const id = JSON.stringify(snapshot);
  return bodies.map((entries, part) => `{"s":${id},"p":${part},"n":${bodies.length},"e":[${entries}]}`);
}

/**
 * Folds a scope's messages, in stream order, into its live entries. Everything before the
 * first message of the last complete snapshot is superseded by it (its parts hold every
 * key live at that moment); a snapshot cut short by a crash still holds values newer than
 * what precedes it and is applied as a batch. `base`: entries from before the log (the
 * key-value stream it replaced), kept unless a complete snapshot supersedes them.
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
  for (let index = Math.max(start, 0); index < messages.length; index += 1) {
    for (const entry of (messages[index] as StateMessage).e) {
      if (entry.length < 2) entries.delete(entry[0]);
      else entries.set(entry[0], entry[1]);
    }
  }
  return entries;
}
