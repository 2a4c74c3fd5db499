/**
 * Where a piece of text says a workload calls another: a host name (`ledger-db`,
 * `cache.sessions.svc.cluster.local`) or an IPv4 address, with the port when one is given,
 * and how the text named it. Read from probe, event and container messages, probe commands,
 * environment values and arguments; nothing but the address is kept (never the rest of a value).
 */
export interface NetworkAddress {
  host: string;
  port?: number;
  /** `lookup`: a name resolution (nslookup, `lookup X on`, `bad address`); `url`: scheme://host; `hostport`: host:port; `env`: FOO_SERVICE_HOST; `name`: a bare Service DNS name (`db.core.svc.cluster.local`, a configuration value). */
  via: 'lookup' | 'url' | 'hostport' | 'env' | 'name';
  /** The resolver a failed lookup went to (`lookup X on 10.96.0.10:53`). */
  resolver?: string;
}

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,62})(?:\.[a-z0-9](?:[a-z0-9-]{0,62}))*$/;
/** Words a probe or error message uses that are not hosts. */
const NOT_HOSTS = new Set(['localhost', 'tcp', 'udp', 'http', 'https', 'dial', 'get', 'post', 'read', 'write', 'connect', 'lookup', 'on', 'the', 'no', 'such', 'host']);

const URL_RE = /\b([a-z][a-z0-9+.-]{1,15}):\/\/(?:[^@\s/'"]*@)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}))?/gi;
const LOOKUP_RE = /\blookup ([a-z0-9.-]+)(?: on ([0-9.]+(?::\d+)?))?/gi;
const TOOL_RE = /\b(?:nslookup|dig|host|getent hosts)\s+(?:[-+][^\s]*\s+)*([a-z0-9][a-z0-9.-]*)/gi;
const BAD_ADDRESS_RE = /\bbad address '([a-z0-9.-]+)'|could not resolve(?: host)?:? '?([a-z0-9.-]+)'?|\b([a-z0-9.-]+): (?:Name or service not known|Temporary failure in name resolution|no such host)/gi;
const HOSTPORT_RE = /(?<![\w./:-])([a-z0-9][a-z0-9.-]*):(\d{2,5})(?![\w.])/gi;
const ENV_RE = /\b([A-Z][A-Z0-9_]*)_SERVICE_(?:HOST|PORT)\b/g;
/** A Service's DNS name with its namespace, written bare (`DB_HOST: tenants-db.core.svc.cluster.local`), or a pod's under its headless Service (`es-0.es.logging.svc`): only the cluster's service domain says a bare word is a host. */
const SERVICE_NAME_RE = /(?<![\w.-])((?:[a-z0-9][a-z0-9-]*\.)?[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*\.svc(?:\.cluster\.local)?)(?![\w-])/gi;

function plausible(host: string): boolean {
  const lower = host.toLowerCase();
  if (NOT_HOSTS.has(lower) || lower.length > 253) return false;
  if (IPV4.test(lower)) return !lower.startsWith('127.') && lower !== '0.0.0.0';
  // A bare word with no dot is a Service name only when it looks like one (letters, digits, dashes; not a number).
  return HOST.test(lower) && !/^\d+$/.test(lower);
}

/**
 * Passes every text one of the patterns above can match, and few others: each pattern needs
 * `://` (a URL), a colon followed by two digits (host:port), `_SERVICE_`, `.svc` (a Service's DNS name), or one of these
 * words (`lookup` and `nslookup`; `dig`, `host`, `getent`; `resol` in "could not resolve" and
 * "name resolution"; `bad address`; `not known` in "Name or service not known"; "no such host"
 * has `host`). One scan instead of six: most messages name no address, and a bare colon
 * passed them all ("BackOff: Back-off restarting failed container …", unique per pod, so
 * never found among the answers kept below).
 */
const MAY_NAME_ADDRESS = /:\/\/|:\d\d|_SERVICE_|\.svc|lookup|dig|host|getent|resol|bad address|not known/i;
const NONE: readonly NetworkAddress[] = Object.freeze([]);

/**
 * Answers by text, kept while they are few: each pod version repeats its containers' texts
 * (probes, arguments, environment) and the engine sees the same messages again and again.
 * Answers are frozen (shared between callers). Cleared when full, never grown past it.
 */
const answers = new Map<string, readonly NetworkAddress[]>();
const MAX_ANSWERS = 4_096;
const MAX_CACHED_TEXT = 1_024;

/** Every network address the text names, in order of appearance, each host once (first mention wins). */
export function networkAddressesIn(text: string): readonly NetworkAddress[] {
  if (!MAY_NAME_ADDRESS.test(text)) return NONE;
  if (text.length > MAX_CACHED_TEXT) return addressesIn(text);
  let known = answers.get(text);
  if (known === undefined) {
    if (answers.size >= MAX_ANSWERS) answers.clear();
    known = Object.freeze(addressesIn(text).map((address) => Object.freeze(address)));
    answers.set(text, known);
  }
  return known;
}

/** Every pattern over the whole text, without the pre-check or the kept answers (exported for the pre-check's test). */
export function addressesIn(text: string): NetworkAddress[] {
  const found = new Map<string, NetworkAddress>();
  const add = (address: NetworkAddress, at: number, order: Map<string, number>) => {
    const host = address.host.toLowerCase().replace(/\.$/, '');
    if (!plausible(host)) return;
    const known = found.get(host);
    if (known) {
      if (known.port === undefined && address.port !== undefined) known.port = address.port;
      if (address.via === 'lookup' && known.via !== 'lookup') Object.assign(known, { via: 'lookup', ...(address.resolver ? { resolver: address.resolver } : {}) });
      return;
    }
    found.set(host, { ...address, host });
    order.set(host, at);
  };
  const order = new Map<string, number>();
  for (const match of text.matchAll(LOOKUP_RE)) add({ host: match[1] as string, via: 'lookup', ...(match[2] ? { resolver: match[2] } : {}) }, match.index, order);
  for (const match of text.matchAll(TOOL_RE)) add({ host: match[1] as string, via: 'lookup' }, match.index, order);
  for (const match of text.matchAll(BAD_ADDRESS_RE)) add({ host: (match[1] ?? match[2] ?? match[3]) as string, via: 'lookup' }, match.index, order);
  for (const match of text.matchAll(URL_RE)) add({ host: match[2] as string, via: 'url', ...(match[3] ? { port: Number(match[3]) } : {}) }, match.index, order);
  for (const match of text.matchAll(HOSTPORT_RE)) {
    // The resolver of a failed lookup is where the lookup went, not what the workload calls.
    if ([...found.values()].some((address) => address.resolver === `${match[1]}:${match[2]}`)) continue;
    add({ host: match[1] as string, via: 'hostport', port: Number(match[2]) }, match.index, order);
  }
  for (const match of text.matchAll(ENV_RE)) add({ host: (match[1] as string).toLowerCase().replace(/_/g, '-'), via: 'env' }, match.index, order);
  for (const match of text.matchAll(SERVICE_NAME_RE)) add({ host: match[1] as string, via: 'name' }, match.index, order);
  return [...found.values()].sort((a, b) => (order.get(a.host) ?? 0) - (order.get(b.host) ?? 0));
}

/**
 * Words in a message that say a name lookup failed (whatever resolver and tool), the resolver
 * unreachable included: busybox nslookup's "write to '10.96.0.10': Connection refused" and
 * dig's "communications error to 10.96.0.10#53" when cluster DNS has no pod left to answer.
 */
const LOOKUP_FAILED = /\blookup [a-z0-9.-]+ on [0-9.:]+: (?:server misbehaving|no such host|i\/o timeout|read udp)|\bbad address '|could not resolve|Name or service not known|Temporary failure in name resolution|no such host|NXDOMAIN|SERVFAIL|connection timed out; no servers could be reached|can't resolve|\bnslookup: write to '[0-9.:]+'|communications error to [0-9.]+#53/i;

export function lookupFailed(text: string): boolean {
  return LOOKUP_FAILED.test(text);
}
