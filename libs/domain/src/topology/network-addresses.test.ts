import { describe, expect, it } from 'vitest';
import { addressesIn, lookupFailed, networkAddressesIn } from './network-addresses.js';
import { seededRandom } from '../testing/seeded-random.js';

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

  it('takes a resolver that does not answer for a failed lookup (cluster DNS with no pod left)', () => {
    expect(lookupFailed("Readiness probe failed: nslookup: write to '10.96.0.10': Connection refused\n")).toBe(true);
    expect(lookupFailed(';; communications error to 10.96.0.10#53: connection refused')).toBe(true);
    expect(lookupFailed("write to '10.100.7.21': Connection refused")).toBe(false);
  });

  it('reads probe commands and Service environment variable names, never other words', () => {
    expect(networkAddressesIn('/bin/sh -c nslookup records.backoffice.svc.cluster.local >/dev/null')).toEqual([{ host: 'records.backoffice.svc.cluster.local', via: 'lookup' }]);
    expect(networkAddressesIn('timeout 2 wget -qO- http://inventory/ >/dev/null')).toEqual([{ host: 'inventory', via: 'url' }]);
    expect(networkAddressesIn('LEDGER_DB_SERVICE_HOST')).toEqual([{ host: 'ledger-db', via: 'env' }]);
    expect(networkAddressesIn('Get "http://localhost:8080/healthz": context deadline exceeded')).toEqual([]);
    expect(networkAddressesIn('Readiness probe failed: HTTP probe failed with statuscode: 503')).toEqual([]);
  });

  it('reads a Service DNS name written bare (a configuration value), but no other bare dotted word', () => {
    expect(networkAddressesIn('tenants-db.core.svc.cluster.local')).toEqual([{ host: 'tenants-db.core.svc.cluster.local', via: 'name' }]);
    expect(networkAddressesIn('host=ledger.payments.svc port=5432')).toEqual([{ host: 'ledger.payments.svc', via: 'name' }]);
    // A StatefulSet's peers by their names under its headless Service (a comma-separated seed list).
    expect(networkAddressesIn('es-data-0.es-data.logging.svc.cluster.local,es-data-1.es-data.logging.svc.cluster.local')).toEqual([
      { host: 'es-data-0.es-data.logging.svc.cluster.local', via: 'name' },
      { host: 'es-data-1.es-data.logging.svc.cluster.local', via: 'name' },
    ]);
    // The same name in a URL is read once, as the URL's.
    expect(networkAddressesIn('http://tenants-db.core.svc.cluster.local:8080/')).toEqual([{ host: 'tenants-db.core.svc.cluster.local', via: 'url', port: 8080 }]);
    for (const text of ['app.kubernetes.io/name', 'v1.2.svc-tools', 'registry.example.com/team/app', 'svc.cluster.local']) expect(networkAddressesIn(text), text).toEqual([]);
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

describe('the pre-check before the patterns', () => {
  it('passes by no text in which the patterns find an address (20,000 texts built from the pieces they read)', () => {
    // Pieces of every form the patterns read, and of messages that name nothing, joined at random.
    const pieces = [
      'http', '://', 'postgres', 'ledger-db', 'cache.sessions.svc.cluster.local', '.svc', 'db.core', '.cluster.local', '10.96.0.10', '10.1.2.3', ':', ':53', ':8080', ': ', '5432', '503', '8',
      'lookup', 'nslookup', 'dig', 'host', 'getent hosts', 'on', 'bad address', "'", 'could not resolve', 'Name or service not known',
      'Temporary failure in name resolution', 'no such host', 'LEDGER_DB_SERVICE_HOST', '_SERVICE_PORT', 'BackOff', 'Back-off restarting failed container',
      'checkout-h255j8bmp-5rkwm_shop(ec8add94)', 'Readiness probe failed', 'statuscode', '@', '/', '-', '.', ' ', ' ', ' ',
    ];
    const next = seededRandom(17);
    let named = 0;
    for (let round = 0; round < 20_000; round += 1) {
      let text = '';
      for (let count = 1 + Math.floor(next() * 8); count > 0; count -= 1) text += pieces[Math.floor(next() * pieces.length)];
      const scanned = addressesIn(text);
      if (scanned.length > 0) named += 1;
      expect(networkAddressesIn(text), text).toEqual(scanned);
    }
    // The texts did name addresses often enough for the comparison to mean something.
    expect(named).toBeGreaterThan(1_000);
  });
});
