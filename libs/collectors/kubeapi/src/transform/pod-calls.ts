import { networkAddressesIn } from '@tapio/domain';
import { arr, containersOf, obj, str, type Json } from './k8s-object.js';

/** Addresses kept per pod at most: enough for any real workload, bounded for a hostile spec. */
const MAX_CALLS = 16;

/** The strings of a list (command, args): `arr` keeps objects only. */
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The texts of a container that can name what it calls: probe commands and hosts, command, arguments, environment. */
function containerTexts(container: Json): string[] {
  const texts: string[] = [];
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'].map((name) => obj(container[name]))) {
    texts.push(...strings(obj(probe['exec'])['command']));
    const host = str(obj(probe['httpGet'])['host']) ?? str(obj(probe['tcpSocket'])['host']);
    if (host) texts.push(`${host}:${String(obj(probe['httpGet'])['port'] ?? obj(probe['tcpSocket'])['port'] ?? '')}`);
  }
  texts.push(...strings(container['command']), ...strings(container['args']));
  for (const variable of arr(container['env'])) {
    // The name says which Service (FOO_SERVICE_HOST); of the value only addresses are read.
    const name = str(variable['name']);
    if (name) texts.push(name);
    const value = str(variable['value']);
    if (value) texts.push(value);
  }
  return texts;
}

/**
 * The network addresses a pod's own spec says it calls, as `host` or `host:port`: evidence of
 * what it depends on before any call fails (a probe that runs `nslookup records.backoffice`
 * depends on cluster DNS and on that Service). Nothing but the address is kept.
 */
export function podCalls(spec: Json): string[] {
  return addressesIn(containersOf(spec).flatMap(containerTexts));
}

/** The addresses the texts name, as `host` or `host:port`, once each, at most MAX_CALLS. */
function addressesIn(texts: Iterable<string>): string[] {
  const calls = new Set<string>();
  for (const text of texts) {
    for (const address of networkAddressesIn(text)) {
      if (calls.size >= MAX_CALLS) return [...calls];
      calls.add(address.port !== undefined ? `${address.host}:${address.port}` : address.host);
    }
  }
  return [...calls];
}

/** Text read of a ConfigMap for addresses at most: configuration files, not bundled data. */
const MAX_CONFIG_TEXT = 64 * 1024;

/**
 * The network addresses a ConfigMap's values name (`inventory.url=http://inventory-api.booking:8080`
 * in a properties file): what the pods that use it are configured to call. Bounded like a pod's.
 */
export function configCalls(data: Json): string[] {
  let read = 0;
  const texts = Object.values(data).filter((value): value is string => typeof value === 'string' && (read += value.length) <= MAX_CONFIG_TEXT);
  return addressesIn(texts);
}
