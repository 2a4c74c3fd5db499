import { describe, expect, it } from 'vitest';
import { entityKey, entityKeyKind, parseEntityKey } from './entity-ref.js';

describe('entityKeyKind', () => {
  it('is the kind of an entity key', () => {
    expect(entityKeyKind(entityKey({ cluster: 'prod', kind: 'Pod', namespace: 'shop', name: 'web-1' }))).toBe('Pod');
    expect(entityKeyKind(entityKey({ cluster: 'prod', kind: 'Node', namespace: null, name: 'node-1' }))).toBe('Node');
  });

  it('answers as parseEntityKey(key)?.kind for every string, keys or not', () => {
    const fixed = ['', '/', '//', '///', '////', 'a/b/c/d', 'a/b//d', '/b/c/d', 'a//c/d', 'a/b/c/', 'a/b/c/d/e', 'a/b/c', 'abc', 'a/b/_/d', 'c/Pod/ns/name'];
    for (const key of fixed) expect(entityKeyKind(key), key).toBe(parseEntityKey(key)?.kind);
    // Every string of up to seven characters over '/', 'a' and '_' (3,279 of them).
    const alphabet = ['/', 'a', '_'];
    let strings = [''];
    for (let length = 1; length <= 7; length += 1) {
      strings = strings.flatMap((prefix) => (prefix.length === length - 1 ? alphabet.map((char) => prefix + char) : []));
      for (const key of strings) expect(entityKeyKind(key), key).toBe(parseEntityKey(key)?.kind);
    }
  });
});
