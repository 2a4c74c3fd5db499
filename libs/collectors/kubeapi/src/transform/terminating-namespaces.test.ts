import { describe, expect, it } from 'vitest';
import { TerminatingNamespaces } from './terminating-namespaces.js';

const ns = (name: string, phase?: string) => ({ kind: 'Namespace', name, ...(phase ? { phase } : {}) });

describe('TerminatingNamespaces', () => {
  it('knows a namespace from the moment it is Terminating until it is gone', () => {
    const namespaces = new TerminatingNamespaces();
    namespaces.observe('c', ns('shop', 'Active'), false);
    expect(namespaces.has('c', 'shop')).toBe(false);
    namespaces.observe('c', ns('shop', 'Terminating'), false);
    expect(namespaces.has('c', 'shop')).toBe(true);
    expect(namespaces.has('other', 'shop')).toBe(false);
    expect(namespaces.has('c', undefined)).toBe(false);
    namespaces.observe('c', ns('shop', 'Terminating'), true);
    expect(namespaces.has('c', 'shop')).toBe(false);
  });

  it('keeps its changes for a durable store once restored, and reads them back', () => {
    const namespaces = new TerminatingNamespaces();
    namespaces.restore('', undefined);
    namespaces.observe('c', ns('shop', 'Terminating'), false);
    namespaces.observe('c', ns('ledger', 'Active'), false);
    const changes = namespaces.changes();
    expect(changes).toEqual([['c|shop', true]]);
    expect(namespaces.changes()).toEqual([]);

    const restarted = new TerminatingNamespaces();
    for (const [key, state] of changes) restarted.restore(key, state);
    restarted.restore('c|bogus', 'yes');
    expect(restarted.has('c', 'shop')).toBe(true);
    expect(restarted.has('c', 'bogus')).toBe(false);
    restarted.observe('c', ns('shop'), true);
    expect(restarted.changes()).toEqual([['c|shop', undefined]]);
  });
});
