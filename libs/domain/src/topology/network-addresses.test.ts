import { describe, expect, it } from 'vitest';
import { lookupFailed, networkAddressesIn } from './network-addresses.js';

describe('networkAddressesIn', () => {
  it('reads a failed lookup, its resolver not taken for a callee', () => {
    const text = 'Get "http://ledger-db:5432/health": dial tcp: lookup ledger-db on 10.96.0.10:53: server misbehaving';
    expect(networkAddressesIn(text)).toEqual([{ host: 'ledger-db', via: 'lookup', resolver: '10.96.0.10:53', port: 5432 }]);
    expect(lookupFailed(text)).toBe(true);
  });

  it('reads a refused ClusterIP with its port, and a URL with a full Service name', () => {
    expect(networkAddressesIn('dial tcp 10.100.7.21:8080: connect: connection refused')).toEqual([{ host: '10.100.7.21', via: 'hostport', port: 8080 }]);
    expect(networkAddressesIn('i/o timeout to redis://cache.sessions.svc.cluster.local:6379')).toEqual([{ host: 'cache.sessions.svc.cluster.local', via: 'url', port: 6379 }]);
    expect(lookupFailed('dial tcp 10.100.7.21:8080: connect: connection refused')).toBe(false);
  });

  it('reads probe commands and Service environment variable names, never other words', () => {
    expect(networkAddressesIn('/bin/sh -c nslookup records.backoffice.svc.cluster.local >/dev/null')).toEqual([{ host: 'records.backoffice.svc.cluster.local', via: 'lookup' }]);
    expect(networkAddressesIn('timeout 2 wget -qO- http://inventory/ >/dev/null')).toEqual([{ host: 'inventory', via: 'url' }]);
    expect(networkAddressesIn('LEDGER_DB_SERVICE_HOST')).toEqual([{ host: 'ledger-db', via: 'env' }]);
    expect(networkAddressesIn('Get "http://localhost:8080/healthz": context deadline exceeded')).toEqual([]);
    expect(networkAddressesIn('Readiness probe failed: HTTP probe failed with statuscode: 503')).toEqual([]);
  });

  it('names nothing in a text without a colon, _SERVICE_ or a lookup word, and the same (shared, frozen) answer for a text seen again', () => {
    for (const text of ['--max-connections=200', 'production', 'Back-off restarting failed container', 'LOG_LEVEL']) expect(networkAddressesIn(text)).toEqual([]);
    // Each of the words that may name an address still reaches the patterns.
    expect(networkAddressesIn('dig +short ledger-db.payments')).toEqual([{ host: 'ledger-db.payments', via: 'lookup' }]);
    expect(networkAddressesIn("wget: bad address 'records.backoffice'")).toEqual([{ host: 'records.backoffice', via: 'lookup' }]);
    expect(networkAddressesIn('could not resolve host inventory')).toEqual([{ host: 'inventory', via: 'lookup' }]);
    const text = 'connect to postgres://ledger-db:5432/ledger';
    const first = networkAddressesIn(text);
    expect(first).toEqual([{ host: 'ledger-db', via: 'url', port: 5432 }]);
    expect(networkAddressesIn(text)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
  });
});
